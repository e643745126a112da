using Passthru.Core.Advice;
using Passthru.Core.Checks;
using Passthru.Core.Host;
using Passthru.Core.Iommu;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Scanning;

/// <summary>Edge cases a real kernel will not produce on demand, on SYNTHETIC trees.</summary>
public sealed class SyntheticTreeScanTests : IDisposable
{
    private readonly SyntheticTree _tree = new();

    private HostSnapshot Scan() => new HostScanner(new HostRoot(_tree.Root), PciIds.Empty, TimeProvider.System).Scan();

    [Fact]
    public void Scan_AttributeVanishedMidScan_DeviceKeptWithWarning()
    {
        _tree.AddDevice("pci0000:00/0000:00:1b.0", 0x8086, 0x293e, 0x040300, "snd_hda_intel", group: 1);
        File.Delete(_tree.Path("sys/devices/pci0000:00/0000:00:1b.0/vendor"));

        var host = Scan();

        var device = Assert.Single(host.Devices);
        Assert.Null(device.VendorId);
        Assert.Equal((ushort)0x293e, device.DeviceId);
        Assert.Equal("snd_hda_intel", device.Driver);
        Assert.Contains(host.Warnings, w => w.Contains("0000:00:1b.0: vendor: missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Scan_DeviceRemovedAfterListing_IsReportedNotFatal()
    {
        _tree.AddDevice("pci0000:00/0000:00:1b.0", 0x8086, 0x293e, 0x040300, group: 1)
             .AddDevice("pci0000:00/0000:00:1c.0", 0x8086, 0x10d3, 0x020000, group: 2);
        // What a hot unplug leaves for a moment: the bus link still listed, its target gone.
        Directory.Delete(_tree.Path("sys/devices/pci0000:00/0000:00:1c.0"), recursive: true);

        var host = Scan();

        Assert.Equal("0000:00:1b.0", Assert.Single(host.Devices).Address.ToString());
        Assert.Contains(host.Warnings, w => w.StartsWith("0000:00:1c.0: disappeared", StringComparison.Ordinal));
    }

    [Fact]
    public void Scan_UnreadableAttribute_IsAWarningNotAnError()
    {
        _tree.AddDevice("pci0000:00/0000:00:1b.0", 0x8086, 0x293e, 0x040300, group: 1);
        // A directory where a file should be makes the read fail the way an I/O error does.
        File.Delete(_tree.Path("sys/devices/pci0000:00/0000:00:1b.0/class"));
        Directory.CreateDirectory(_tree.Path("sys/devices/pci0000:00/0000:00:1b.0/class"));

        var host = Scan();

        Assert.Null(Assert.Single(host.Devices).ClassCode);
        Assert.Contains(host.Warnings, w => w.Contains("class: could not be read", StringComparison.Ordinal));
    }

    [Fact]
    public void Scan_StrayEntryInDevicesDirectory_IsIgnored()
    {
        _tree.AddDevice("pci0000:00/0000:00:1b.0", 0x8086, 0x293e, 0x040300, group: 1);
        File.CreateSymbolicLink(_tree.Path("sys/bus/pci/devices/..evil"), "/etc");

        var host = Scan();

        Assert.Single(host.Devices);
        Assert.Contains(host.Warnings, w => w.Contains("..evil: not a PCI address", StringComparison.Ordinal));
    }

    [Fact]
    public void Scan_NoIommu_DevicesHaveNoGroupAndCheckFails()
    {
        _tree.AddDevice("pci0000:00/0000:00:1b.0", 0x8086, 0x293e, 0x040300, "snd_hda_intel")
             .WithFile("proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\n")
             .WithFile("proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/sda1 quiet\n")
             .WithFile("etc/os-release", "ID=fedora\n");

        var host = Scan();

        Assert.Empty(host.Groups);
        Assert.Null(host.Devices[0].IommuGroup);
        Assert.Equal(CheckStatus.Fail, host.Checks.Single(c => c.Id == "iommu-enabled").Status);
        Assert.Equal(PassthroughVerdict.NotPassable, PassthroughAdvisor.Assess(host, host.Devices[0]).Verdict);
    }

    [Fact]
    public void Scan_AmdHostCommandLine_IsRead()
    {
        _tree.AddDevice("pci0000:00/0000:00:08.1", 0x1022, 0x1635, 0x060400, "pcieport", group: 3,
                config: ConfigSpace.Pcie(0x1022, 0x1635, PcieDeviceType.RootPort, headerType: 1))
             .WithFile("proc/cpuinfo", "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD Ryzen 5 4600G\n")
             .WithFile("proc/cmdline", "initrd=\\initramfs-linux.img root=/dev/nvme0n1p2 amd_iommu=on iommu=pt pcie_acs_override=downstream,multifunction\n")
             .WithFile("etc/os-release", "NAME=\"Arch Linux\"\nID=arch\n");
        Directory.CreateDirectory(_tree.Path("sys/class/iommu/ivhd0"));

        var host = Scan();

        Assert.Equal(CpuVendor.Amd, host.Facts.CpuVendor);
        Assert.Equal("downstream,multifunction", host.CommandLine.AcsOverride);
        Assert.Equal(["ivhd0"], host.Facts.IommuUnits);
        Assert.Equal(CheckStatus.Warn, host.Checks.Single(c => c.Id == "acs-override").Status);
        Assert.True(host.Devices[0].IsBridge);
    }

    [Fact]
    public void Scan_ConfigReadableOnlyInPart_IsolationIsUnknownNotGuessed()
    {
        // What a non-root read gives: 64 bytes. A multifunction device whose ACS is unknown.
        var shortConfig = ConfigSpace.Pcie(0x1022, 0x1637, PcieDeviceType.Endpoint, multifunction: true)[..64];
        _tree.AddDevice("pci0000:00/0000:04:00.1", 0x1022, 0x1636, 0x030000, "amdgpu", group: 7, config: shortConfig)
             .AddDevice("pci0000:00/0000:04:00.6", 0x1022, 0x15e3, 0x040300, "snd_hda_intel", group: 7, config: shortConfig);

        var host = Scan();

        var group = Assert.Single(host.Groups);
        Assert.Contains(group.SharedBecause, r => r.Kind == IsolationReasonKind.Unknown);
        Assert.Contains(host.Warnings, w => w.Contains("only 64 bytes readable", StringComparison.Ordinal));
    }

    [Fact]
    public void Assess_Bridge_IsNotPassable()
    {
        _tree.AddDevice("pci0000:00/0000:00:1c.0", 0x8086, 0x2948, 0x060400, "pcieport", group: 4,
            config: ConfigSpace.Pcie(0x8086, 0x2948, PcieDeviceType.RootPort, headerType: 1));

        var host = Scan();

        var assessment = PassthroughAdvisor.Assess(host, host.Devices[0]);
        Assert.Equal(PassthroughVerdict.NotPassable, assessment.Verdict);
        Assert.Contains("bridge", assessment.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Rescan_DriverChangedInPlace_IsSeen()
    {
        _tree.AddDevice("pci0000:00/0000:00:1b.0", 0x8086, 0x293e, 0x040300, "snd_hda_intel", group: 1);
        var scanner = new HostScanner(new HostRoot(_tree.Root), PciIds.Empty, TimeProvider.System);
        Assert.Equal("snd_hda_intel", scanner.Scan().Devices[0].Driver);

        var driverLink = _tree.Path("sys/devices/pci0000:00/0000:00:1b.0/driver");
        File.Delete(driverLink);
        Directory.CreateDirectory(_tree.Path("sys/bus/pci/drivers/vfio-pci"));
        File.CreateSymbolicLink(driverLink, "../../../bus/pci/drivers/vfio-pci");
        File.WriteAllText(_tree.Path("sys/devices/pci0000:00/0000:00:1b.0/driver_override"), "vfio-pci\n");
        File.WriteAllText(_tree.Path("sys/devices/pci0000:00/0000:00:1b.0/reset_method"), "bus\n");

        var device = scanner.Scan().Devices[0];
        Assert.Equal("vfio-pci", device.Driver);
        Assert.Equal("vfio-pci", device.DriverOverride);
        Assert.Equal(["bus"], device.ResetMethods);
    }

    [Fact]
    public void Rescan_OtherCardAtSameAddress_IsReadAfresh()
    {
        // Swapping cards (or a remove and rescan) makes a new sysfs directory: the scan must not show the old card.
        _tree.AddDevice("pci0000:00/0000:00:1b.0", 0x8086, 0x293e, 0x040300, "snd_hda_intel", group: 1);
        var scanner = new HostScanner(new HostRoot(_tree.Root), PciIds.Empty, TimeProvider.System);
        Assert.Equal((ushort)0x8086, scanner.Scan().Devices[0].VendorId);

        // Past the file system's coarse clock tick, as a real card swap always is.
        Thread.Sleep(50);
        Directory.Delete(_tree.Path("sys/devices/pci0000:00/0000:00:1b.0"), recursive: true);
        File.Delete(_tree.Path("sys/bus/pci/devices/0000:00:1b.0"));
        File.Delete(_tree.Path("sys/kernel/iommu_groups/1/devices/0000:00:1b.0"));
        _tree.AddDevice("pci0000:00/0000:00:1b.0", 0x1022, 0x15e3, 0x040300, "snd_hda_intel", group: 1);

        var device = scanner.Scan().Devices[0];
        Assert.Equal((ushort)0x1022, device.VendorId);
        Assert.Equal((ushort)0x15e3, device.DeviceId);
    }

    [Fact]
    public void Rescan_DeviceRemoved_IsGoneFromTheNextScan()
    {
        _tree.AddDevice("pci0000:00/0000:00:1b.0", 0x8086, 0x293e, 0x040300, group: 1)
             .AddDevice("pci0000:00/0000:00:1c.0", 0x8086, 0x10d3, 0x020000, group: 2);
        var scanner = new HostScanner(new HostRoot(_tree.Root), PciIds.Empty, TimeProvider.System);
        Assert.Equal(2, scanner.Scan().Devices.Count);

        File.Delete(_tree.Path("sys/bus/pci/devices/0000:00:1c.0"));
        Directory.Delete(_tree.Path("sys/devices/pci0000:00/0000:00:1c.0"), recursive: true);

        var host = scanner.Scan();
        Assert.Equal("0000:00:1b.0", Assert.Single(host.Devices).Address.ToString());
        Assert.DoesNotContain(host.Groups, g => g.Number == 2);
    }

    public void Dispose() => _tree.Dispose();
}
