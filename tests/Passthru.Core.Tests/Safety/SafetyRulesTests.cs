using System.Net;
using Passthru.Core.Binding;
using Passthru.Core.Host;
using Passthru.Core.Pci;
using Passthru.Core.Safety;
using Passthru.Core.Scanning;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Safety;

/// <summary>The refusal rules on a captured real-kernel tree: /dev/vda1 mounted, /dev/vda2 swap, fbcon on the boot VGA.</summary>
public sealed class SafetyRulesTests : IDisposable
{
    private string _tree = CapturedTrees.Path("intel-initial");
    private bool _copied;

    /// <summary>Tests that add files (routes, input devices) work on their own copy of the tree.</summary>
    private string WritableTree()
    {
        if (!_copied)
        {
            _tree = CapturedTrees.Copy("intel-initial");
            _copied = true;
        }

        return _tree;
    }

    private (HostSnapshot Host, HostUsage Usage) Read()
    {
        var root = new HostRoot(_tree);
        return (TreeScan.Scan(_tree), HostUsage.Read(root));
    }

    private BindingPlan PlanDetach(string address, IPAddress? connection = null, IReadOnlyDictionary<PciAddress, string>? expected = null)
    {
        var (host, usage) = Read();
        var device = host.Find(PciAddress.Parse(address))!;
        return BindingPlanner.PlanDetach(host, usage, address, [device], expected, connection);
    }

    [Fact]
    public void Detach_DiskWithMountedFilesystemAndSwap_IsRefusedButOverridable()
    {
        var plan = PlanDetach("0000:00:05.0");

        Assert.True(plan.IsRefused(force: false));
        Assert.False(plan.IsRefused(force: true));
        Assert.Contains(plan.Refusals, r => r.Reason.Contains("/dev/vda1 is mounted on /var/lib/libvirt/images", StringComparison.Ordinal));
        Assert.Contains(plan.Refusals, r => r.Reason.Contains("/dev/vda2 is active swap", StringComparison.Ordinal));
        var disk = Assert.Single(plan.Devices.Single().Losses);
        Assert.Equal("disk vda (vda1, vda2)", disk.Details);
    }

    [Fact]
    public void Detach_DiskMountedWhereProcMountsIsALinkToSelf_IsRefused()
    {
        // As on every real host: /proc/mounts -> self/mounts, /proc/self -> the reader's PID (the fixtures hold a plain file).
        var tree = WritableTree();
        Directory.CreateDirectory(Path.Combine(tree, "proc/4242"));
        File.Move(Path.Combine(tree, "proc/mounts"), Path.Combine(tree, "proc/4242/mounts"));
        File.CreateSymbolicLink(Path.Combine(tree, "proc/self"), "4242");
        File.CreateSymbolicLink(Path.Combine(tree, "proc/mounts"), "self/mounts");

        var plan = PlanDetach("0000:00:05.0");

        Assert.Contains(plan.Refusals, r => r.Reason.Contains("/dev/vda1 is mounted on /var/lib/libvirt/images", StringComparison.Ordinal));
    }

    [Fact]
    public void Detach_BootVgaWithConsole_IsRefused()
    {
        var plan = PlanDetach("0000:04:00.0");
        Assert.Contains(plan.Refusals, r => r.Kind == RefusalKind.InUseByHost && r.Reason.Contains("fbcon", StringComparison.Ordinal));
    }

    [Fact]
    public void Detach_NicWithDefaultRoute_IsRefused()
    {
        var tree = WritableTree();
        var (host, _) = Read();
        var nic = host.Find(PciAddress.Parse("0000:05:00.0"))!.HostInterfaces.Single().Name;
        File.WriteAllText(Path.Combine(tree, "proc/net/route"),
            "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n" +
            $"{nic}\t00000000\t0202000A\t0003\t0\t0\t100\t00000000\t0\t0\t0\n" +
            $"{nic}\t0002000A\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n");
        File.WriteAllText(Path.Combine(tree, "proc/net/fib_trie"),
            "Main:\n  +-- 0.0.0.0/0 3 0 5\n     +-- 10.0.2.0/24 2 0 2\n        |-- 10.0.2.15\n           /32 host LOCAL\n");

        var plan = PlanDetach("0000:05:00.0");

        Assert.Contains(plan.Refusals, r => r.Reason.Contains($"{nic} carries the default route", StringComparison.Ordinal));
        Assert.Contains("10.0.2.15/24", plan.Devices.Single().Losses.Single().Details, StringComparison.Ordinal);
        Assert.False(plan.IsRefused(force: true));

        // Reached through that interface: never, not even forced.
        var throughIt = PlanDetach("0000:05:00.0", IPAddress.Parse("10.0.2.15"));
        Assert.Contains(throughIt.Refusals, r => r.Kind == RefusalKind.DashboardConnection && !r.CanOverride);
        Assert.True(throughIt.IsRefused(force: true));
    }

    [Fact]
    public void Detach_UsbControllerWithKeyboard_IsRefused()
    {
        File.WriteAllText(Path.Combine(WritableTree(), "proc/bus/input/devices"),
            "I: Bus=0003 Vendor=046d Product=c31c Version=0110\nN: Name=\"Logitech USB Keyboard\"\n" +
            "S: Sysfs=/devices/pci0000:00/0000:00:02.2/0000:04:00.1/usb1/1-1/1-1:1.0/0003:046D:C31C.0001/input/input3\n" +
            "H: Handlers=sysrq kbd leds event3\n\n" +
            "I: Bus=0003 Vendor=046d Product=c077\nN: Name=\"USB Mouse\"\nS: Sysfs=/devices/pci0000:00/0000:00:1b.0/usb2/2-1/input/input4\nH: Handlers=mouse0 event4\n");

        Assert.Contains(PlanDetach("0000:04:00.1").Refusals, r => r.Reason.Contains("keyboard", StringComparison.Ordinal));
        Assert.Empty(PlanDetach("0000:00:1b.0").Refusals);
    }

    [Fact]
    public void Detach_Bridge_IsRefusedEvenForced()
    {
        var plan = PlanDetach("0000:02:00.0");
        Assert.Contains(plan.Refusals, r => r.Kind == RefusalKind.Bridge && !r.CanOverride);
        Assert.True(plan.IsRefused(force: true));
    }

    [Fact]
    public void Detach_CardNotWhatTheUserSaw_IsRefusedEvenForced()
    {
        var plan = PlanDetach("0000:04:00.6", expected: new Dictionary<PciAddress, string> { [PciAddress.Parse("0000:04:00.6")] = "1002:1637" });
        var refusal = Assert.Single(plan.Refusals);
        Assert.Equal(RefusalKind.DeviceChanged, refusal.Kind);
        Assert.Contains("[8086:293e]", refusal.Reason, StringComparison.Ordinal);
        Assert.True(plan.IsRefused(force: true));
    }

    [Fact]
    public void Detach_SoloSoundCard_HasNoRefusalAndSaysWhatTheHostLoses()
    {
        var plan = PlanDetach("0000:00:1b.0");
        Assert.Empty(plan.Refusals);
        var device = plan.Devices.Single();
        Assert.Equal(("snd_hda_intel", "vfio-pci", true), (device.DriverNow, device.DriverAfter, device.ChangesDriver));
        Assert.Equal(HostLossKind.Sound, device.Losses.Single().Kind);
    }

    [Fact]
    public void ProcMounts_OctalEscapes_AreDecoded()
    {
        var mounts = MountTable.ParseMounts("/dev/sdb1 /media/My\\040Disk ext4 rw 0 0\n");
        Assert.Equal(new Mount(null, "/media/My Disk", "ext4", "/dev/sdb1"), mounts.Single());
    }

    public void Dispose()
    {
        if (_copied)
        {
            Directory.Delete(_tree, recursive: true);
        }
    }
}
