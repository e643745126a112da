using System.Text;
using Passthru.Core.Host;
using Passthru.Core.Safety;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Safety;

/// <summary>
/// The files a detach plan reads to say what the host would lose (mounts and mountinfo, swaps, routes,
/// addresses, input devices, udev's blkid data, the sysfs links of stacked devices). A refusal depends on
/// them, so a file the parser does not expect must leave it knowing less, never throwing (which would
/// turn every dry run into a 500).
/// </summary>
public class HostUsageFuzzTests
{
    [Fact]
    public async Task ProcMountsAndSwaps_MutatedCapturedFiles_NeverThrow()
    {
        var mounts = Seeds("proc/mounts");
        var swaps = Seeds("proc/swaps");
        await Fuzz.RunAsync(seed: 51, iterations: 3000, random => (Mutate(mounts, random), Mutate(swaps, random)), files =>
        {
            Assert.InRange(MountTable.ParseMounts(files.Item1).Count, 0, files.Item1.Count(c => c == '\n') + 1);
            Assert.InRange(MountTable.ParseSwaps(files.Item2).Count, 0, files.Item2.Count(c => c == '\n') + 1);
        });
    }

    [Fact]
    public async Task RoutesAndAddresses_MutatedCapturedFiles_NeverThrow()
    {
        var route = Seeds("proc/net/route");
        var ipv6Route = Seeds("proc/net/ipv6_route");
        var ifInet6 = Seeds("proc/net/if_inet6");
        var fibTrie = Seeds("proc/net/fib_trie");
        await Fuzz.RunAsync(seed: 52, iterations: 3000, random => (Mutate(route, random), Mutate(ipv6Route, random), Mutate(ifInet6, random), Mutate(fibTrie, random)), files =>
        {
            _ = ProcNetTables.Routes(files.Item1, files.Item2);
            _ = ProcNetTables.InterfaceAddresses(files.Item3, files.Item4, files.Item1);
        });
    }

    /// <summary>Lines of the layouts the rules read mountinfo for, beside this machine's own file.</summary>
    private static readonly string[] MountInfoSeeds =
    [
        "21 1 254:1 / / rw,relatime shared:1 - ext4 /dev/root rw\n22 21 0:20 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n",
        "25 1 253:0 / / rw,relatime shared:1 master:3 propagate_from:2 unbindable - ext4 /dev/mapper/pve-root rw,errors=remount-ro\n"
            + "26 25 254:1 / /media/My\\040Disk rw - vfat /dev/vda1 rw,fmask=0022\n",
        "40 1 0:25 / / rw,relatime shared:1 - zfs rpool/ROOT/pve-1 rw,xattr,noacl\n41 40 0:26 / /rpool@snap rw - zfs rpool@snap rw\n"
            + "45 1 0:33 /@data /srv rw,relatime shared:5 - btrfs /dev/loop0 rw,space_cache=v2,subvolid=256,subvol=/@data\n",
    ];

    private static readonly string[] UdevSeeds =
    [
        "S:disk/by-uuid/15467925713640392231\nW:12\nI:4176382\nE:ID_SERIAL=QEMU_HARDDISK_QM00001\nE:ID_FS_LABEL=rpool\nE:ID_FS_LABEL_ENC=rpool\n"
            + "E:ID_FS_UUID=15467925713640392231\nE:ID_FS_TYPE=zfs_member\nE:ID_FS_USAGE=filesystem\nG:systemd\nQ:systemd\nV:1\n",
        "E:ID_FS_UUID=2f6c0c7e-5f55-4a43-9b0e-1c1d2b0a9e11\nE:ID_FS_TYPE=btrfs\nE:ID_FS_LABEL=\n",
    ];

    [Fact]
    public async Task MountInfoAndUdevData_MutatedFiles_NeverThrow()
    {
        var mountInfo = Seeds("proc/self/mountinfo").Concat(MountInfoSeeds).ToArray();
        await Fuzz.RunAsync(seed: 54, iterations: 3000, random => (Mutate(mountInfo, random), Mutate(UdevSeeds, random)), files =>
        {
            var mounts = MountTable.ParseMountInfo(files.Item1);
            Assert.InRange(mounts.Count, 0, files.Item1.Count(c => c == '\n') + 1);
            Assert.All(mounts, m => Assert.True(m.Device is null || MountTable.IsDeviceNumber(m.Device)));
            _ = UdevFilesystem.Parse(files.Item2);
        });
    }

    [Theory]
    [InlineData("-")]
    [InlineData("1 2 3 4 5 6 -")]
    [InlineData("1 2 254:1 / / rw - ext4")]                              // no source after the type
    [InlineData("1 2 99999999999:1 / / rw - ext4 /dev/root rw")]         // a major no dev_t has
    [InlineData("1 2 254:1 / / rw - ext4 /dev/../../etc/passwd rw")]
    [InlineData("1 2 254:1 / / rw - ext4 /dev/mapper/ rw")]
    [InlineData("1 2 254:1 / /\0 rw - ext4 /dev/\0 rw")]
    public void MountInfo_DamagedLine_IsSkippedOrReadWithoutADeviceItCannotHave(string damaged)
    {
        var mounts = MountTable.ParseMountInfo($"{damaged}\n21 1 254:2 / /boot rw - ext4 /dev/vda2 rw\n");

        Assert.Contains(new Mount("254:2", "/boot", "ext4", "/dev/vda2"), mounts);
        Assert.DoesNotContain(mounts, m => m.Device == "99999999999:1");
    }

    [Fact]
    public async Task HostUsage_StackedLayoutWithMutatedFilesAndLinks_NeverThrows()
    {
        // SYNTHETIC layouts on a real tree (see HostLayouts), then damaged a few files at a time, and links that
        // loop or leave the root: what a bug report's tree or a host changing under the read can hold.
        var tree = CapturedTrees.Copy("intel-initial");
        try
        {
            HostLayouts.DevBlockLinks(tree);
            HostLayouts.VirtualBlockDevice(tree, "dm-0", "253:0", "pve-root", "vda1");
            HostLayouts.Link(tree, "sys/devices/virtual/block/dm-0/slaves/dm-0", Path.Combine(tree, "sys/devices/virtual/block/dm-0"));
            HostLayouts.Link(tree, "sys/dev/block/7:9", "/etc");
            HostLayouts.UdevFilesystem(tree, "vda2", "zfs_member", "rpool", "15467925713640392231");
            HostLayouts.LoopDevice(tree, "loop0", "7:0");
            HostLayouts.BtrfsFilesystem(tree, "4f1c2b7e-0d6a-4c1e-9b55-7f8e2a6c3d10", "loop0", "vda2");
            HostLayouts.VirtualNetDevice(tree, "vmbr0", "bridge", ifIndex: 6);
            HostLayouts.Enslave(tree, "eth1", "vmbr0");
            HostLayouts.Stack(tree, "vmbr0", "eth1"); // a loop: eth1 is stacked on its own bridge
            HostLayouts.Routes(tree, ("vmbr0", "0.0.0.0/0", "192.168.1.1"), ("vmbr0", "192.168.1.0/24", null));
            HostLayouts.LocalAddresses(tree, "192.168.1.10");
            HostLayouts.MountInfo(tree, MountInfoSeeds[1], MountInfoSeeds[2]);
            string[] files =
            [
                "proc/4242/mountinfo", $"run/udev/data/b{HostLayouts.DeviceNumber(tree, "vda2")}", "sys/devices/virtual/block/dm-0/dev",
                "sys/devices/virtual/block/dm-0/dm/name", "sys/devices/virtual/net/vmbr0/uevent", "proc/net/route", "proc/net/fib_trie", "proc/swaps",
            ];
            var originals = files.ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(tree, f)));
            var host = TreeScan.Scan(tree);
            var undamaged = HostUsage.Read(new HostRoot(tree));
            Assert.Contains("eth1 is a port of bridge vmbr0, which carries the default route (192.168.1.10/24)",
                undamaged.NeedsOf(host.Find(Passthru.Core.Pci.PciAddress.Parse("0000:05:00.0"))!));
            Assert.Contains("vda2 is a member of the btrfs filesystem mounted on /srv", undamaged.NeedsOf(host.Find(Passthru.Core.Pci.PciAddress.Parse("0000:00:05.0"))!));
            await Fuzz.RunAsync(seed: 55, iterations: 150, random => files.Where(_ => random.Next(3) == 0).ToDictionary(f => f, f => Mutations.Mutate(originals[f], random)), changes =>
            {
                try
                {
                    foreach (var (file, content) in changes)
                    {
                        File.WriteAllBytes(Path.Combine(tree, file), content);
                    }

                    var usage = HostUsage.Read(new HostRoot(tree), new Dictionary<string, IReadOnlyList<string>> { ["vmbr0"] = ["web1"] });
                    foreach (var device in host.Devices)
                    {
                        _ = usage.LossesThrough(device);
                    }

                    _ = usage.InterfacesWith(System.Net.IPAddress.Parse("192.168.1.10"));
                }
                finally
                {
                    foreach (var file in changes.Keys)
                    {
                        File.WriteAllBytes(Path.Combine(tree, file), originals[file]);
                    }
                }
            });
        }
        finally
        {
            Directory.Delete(tree, recursive: true);
        }
    }

    [Fact]
    public async Task KeyboardControllers_MutatedCapturedInputDevices_NeverThrow()
    {
        var devices = Seeds("proc/bus/input/devices");
        await Fuzz.RunAsync(seed: 53, iterations: 3000, random => Mutate(devices, random), text => _ = HostUsage.KeyboardControllers(text));
    }

    [Fact]
    public void ProcSwaps_LineOfBlanks_IsSkipped()
    {
        // Found by fuzzing (seed 51): a line with only blanks threw IndexOutOfRangeException.
        Assert.Equal(["/dev/vda2"], MountTable.ParseSwaps("Filename\tType\tSize\tUsed\tPriority\n \t\n/dev/vda2 partition 16380 0 -2\n"));
    }

    [Theory]
    [InlineData("zz80000000000000505400fffe123456 02 40 20 c0     eth0")] // not hex: FormatException from Convert.FromHexString
    [InlineData("fe80000000000000505400fffe123456 02 4x 20 c0     eth0")] // prefix length not hex: FormatException from int.Parse
    [InlineData("fe80000000000000505400fffe123456 02 -40 20 c0     eth0")]
    public void InterfaceAddresses_LineThatIsNotHex_IsSkippedAndTheOthersKept(string damaged)
    {
        // Found by fuzzing (seed 52).
        var addresses = ProcNetTables.InterfaceAddresses($"{damaged}\nfe80000000000000505400fffe123457 04 40 20 80     eth2\n", null, null);

        Assert.Equal(["eth2 fe80::5054:ff:fe12:3457/64"], addresses.Select(a => $"{a.Interface} {a}"));
    }

    /// <summary>The file from every captured tree, and this machine's own (a newer kernel, real routes).</summary>
    private static string[] Seeds(string relativePath)
        => FuzzSeeds.FromTrees(relativePath).Select(Encoding.UTF8.GetString)
            .Concat(File.Exists("/" + relativePath) ? [File.ReadAllText("/" + relativePath)] : [])
            .Where(text => text.Length > 0)
            .ToArray();

    private static string Mutate(string[] seeds, Random random)
        => seeds.Length == 0 || random.Next(5) == 0
            ? Mutations.RandomText(random, 300, "0123456789abcdefABCDEF \t\n:/|-.\\LOCALhostkbdS: Sysfs=H: Handlers=")
            : Mutations.Mutate(seeds[random.Next(seeds.Length)], random);
}
