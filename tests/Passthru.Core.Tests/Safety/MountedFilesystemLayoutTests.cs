using Passthru.Core.Binding;
using Passthru.Core.Host;
using Passthru.Core.Pci;
using Passthru.Core.Safety;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Safety;

/// <summary>
/// Disks the host uses in layouts the lab's guest did not have (a root mounted as /dev/root, LVM, a ZFS
/// pool, a two-device btrfs), each built on a copy of the captured intel-initial tree: its virtio disk vda
/// at 00:05.0 stays, its own mount (vda1) and swap (vda2) are cleared, and the layout's SYNTHETIC files
/// (see <see cref="HostLayouts"/>) are added. A refusal then comes from the layout alone.
/// </summary>
public sealed class MountedFilesystemLayoutTests : IDisposable
{
    private const string Disk = "0000:00:05.0";

    private readonly string _tree = CapturedTrees.Copy("intel-initial");

    public MountedFilesystemLayoutTests()
    {
        HostLayouts.Mounts(_tree, "proc /proc proc rw,relatime 0 0", "sysfs /sys sysfs rw,relatime 0 0");
        HostLayouts.Swaps(_tree);
        HostLayouts.DevBlockLinks(_tree);
    }

    private BindingPlan PlanDetach()
    {
        var host = TreeScan.Scan(_tree);
        return BindingPlanner.PlanDetach(host, HostUsage.Read(new HostRoot(_tree)), Disk, [host.Find(PciAddress.Parse(Disk))!]);
    }

    private static void AssertRefusedFor(BindingPlan plan, string reason)
    {
        var refusal = Assert.Single(plan.Refusals);
        Assert.Equal(RefusalKind.InUseByHost, refusal.Kind);
        Assert.True(refusal.CanOverride);
        Assert.Equal($"{Disk} (Virtio block device): {reason}.", refusal.Reason);
        Assert.Equal([reason], plan.Devices.Single().Losses.Single().InUse);
    }

    [Fact]
    public void Detach_RootAsDevRootOnIntelInitial_IsRefusedByTheDeviceNumber()
    {
        // As the kernel mounts a root= it was given without an initramfs: the source is /dev/root, a name no /dev entry has.
        var vda1 = HostLayouts.DeviceNumber(_tree, "vda1");
        HostLayouts.MountInfo(_tree,
            $"21 1 {vda1} / / rw,relatime shared:1 - ext4 /dev/root rw",
            "22 21 0:20 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw");
        HostLayouts.Mounts(_tree, "/dev/root / ext4 rw,relatime 0 0", "proc /proc proc rw,relatime 0 0");

        AssertRefusedFor(PlanDetach(), "/dev/root (vda1) is mounted on /");
    }

    [Fact]
    public void Detach_LvmRootOnPartitionOnIntelInitial_IsRefusedThroughTheMappersSlaves()
    {
        // LVM on vda2 (pve-root, dm-0), mounted by the VG/LV link it was named by (root=/dev/pve/root), which an
        // initramfs's mount does not canonicalise: only the device number, then dm-0's slaves/, lead to vda.
        HostLayouts.VirtualBlockDevice(_tree, "dm-0", "253:0", "pve-root", "vda2");
        HostLayouts.MountInfo(_tree, "25 1 253:0 / / rw,relatime shared:1 - ext4 /dev/pve/root rw,errors=remount-ro");
        HostLayouts.Mounts(_tree, "/dev/pve/root / ext4 rw,relatime,errors=remount-ro 0 0");

        AssertRefusedFor(PlanDetach(), "/dev/pve/root (dm-0 on vda2) is mounted on /");
        Assert.Equal("disk vda (dm-0, vda1, vda2)", PlanDetach().Devices.Single().Losses.Single().Details);
    }

    [Fact]
    public void Detach_ZfsRootPoolMemberOnIntelInitial_IsRefusedByUdevsLabel()
    {
        // A Proxmox ZFS install: rpool on vda2, its datasets mounted by name; udev's blkid data says which partition holds it.
        HostLayouts.MountInfo(_tree,
            "40 1 0:25 / / rw,relatime shared:1 - zfs rpool/ROOT/pve-1 rw,xattr,noacl,casesensitive",
            "41 40 0:26 / /rpool rw,noatime shared:2 - zfs rpool rw,xattr,noacl,casesensitive",
            "42 41 0:27 / /rpool/data rw,noatime shared:3 - zfs rpool/data rw,xattr,noacl,casesensitive",
            "43 40 0:28 / /tank rw,noatime shared:4 - zfs tank rw,xattr,noacl,casesensitive");
        HostLayouts.Mounts(_tree, "rpool/ROOT/pve-1 / zfs rw,relatime,xattr,noacl,casesensitive 0 0", "rpool /rpool zfs rw,noatime 0 0");
        HostLayouts.UdevFilesystem(_tree, "vda2", "zfs_member", "rpool", "15467925713640392231");
        HostLayouts.UdevFilesystem(_tree, "vda1", "ext4", "tank", "2f6c0c7e-5f55-4a43-9b0e-1c1d2b0a9e11"); // a label like a pool's name, of another type

        AssertRefusedFor(PlanDetach(), "vda2 is a member of the ZFS pool rpool, mounted on /, /rpool, /rpool/data");
    }

    [Fact]
    public void Detach_BtrfsTwoDeviceFilesystemOnIntelInitial_IsRefusedForTheMemberTheMountDoesNotName()
    {
        // btrfs RAID1 over loop0 and vda2, mounted from loop0 (a subvolume): the mount names only loop0, and btrfs's device is anonymous.
        HostLayouts.LoopDevice(_tree, "loop0", "7:0");
        HostLayouts.BtrfsFilesystem(_tree, "4f1c2b7e-0d6a-4c1e-9b55-7f8e2a6c3d10", "loop0", "vda2");
        HostLayouts.MountInfo(_tree, "45 1 0:33 /@data /srv rw,relatime shared:5 - btrfs /dev/loop0 rw,space_cache=v2,subvolid=256,subvol=/@data");
        HostLayouts.Mounts(_tree, "/dev/loop0 /srv btrfs rw,relatime,space_cache=v2,subvolid=256,subvol=/@data 0 0");

        AssertRefusedFor(PlanDetach(), "vda2 is a member of the btrfs filesystem mounted on /srv");
    }

    [Fact]
    public void Detach_DiskWithNothingMountedOrSwapping_IsNotRefused()
    {
        // The same tree with mountinfo naming other devices only: what was not on vda refuses nothing.
        HostLayouts.LoopDevice(_tree, "loop0", "7:0");
        HostLayouts.MountInfo(_tree, "21 1 7:0 / /mnt rw - ext4 /dev/loop0 rw", "22 21 0:20 / /proc rw - proc proc rw");

        Assert.Empty(PlanDetach().Refusals);
    }

    public void Dispose() => Directory.Delete(_tree, recursive: true);
}
