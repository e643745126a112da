using System.Globalization;
using Passthru.Core.Advice;
using Passthru.Core.Iommu;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Scanning;

/// <summary>The scan on sysfs trees captured from a real kernel (tests/lab), checked against lspci and the kernel's own groups.</summary>
public class CapturedTreeScanTests
{
    public static TheoryDataRows Trees => CapturedTrees.All;

    private static HostSnapshot Scan(string tree) => TreeScan.Scan(CapturedTrees.Path(tree));

    [Fact]
    public void Fixtures_AllSnapshotsArePresent()
        => Assert.Equal(["amd-initial", "intel-initial", "intel-vfio-group", "intel-vfio-guest", "intel-vfio-partial"], CapturedTrees.Names);

    [Theory]
    [MemberData(nameof(Trees))]
    public void Scan_EqualsLspciOnTheSameTree(string tree)
    {
        var host = Scan(tree);
        var oracle = LspciOracle.Read(CapturedTrees.Path(tree));

        Assert.Equal(oracle.Select(r => r["Slot"]), host.Devices.Select(d => d.Address.ToString()));
        foreach (var (record, device) in oracle.Zip(host.Devices))
        {
            var d = device;
            Assert.Equal(record["Class"], $"{d.Names.Class ?? "Class"} [{d.ClassCode >> 8:x4}]");
            Assert.Equal(record["Vendor"], $"{d.Names.Vendor ?? "Vendor"} [{d.VendorId:x4}]");
            Assert.Equal(record["Device"], $"{d.Names.Device ?? "Device"} [{d.DeviceId:x4}]");
            if (record.TryGetValue("SVendor", out var subVendor))
            {
                Assert.Equal(subVendor, $"{d.Names.SubsystemVendor ?? "Vendor"} [{d.SubsystemVendorId:x4}]");
                Assert.Equal(record["SDevice"], $"{d.Names.Subsystem ?? "Device"} [{d.SubsystemDeviceId:x4}]");
            }
            else
            {
                Assert.True(d.SubsystemVendorId is null or 0, $"{d.Address}: lspci shows no subsystem, the scan has {d.SubsystemVendorId:x4}");
            }

            Assert.Equal(record.GetValueOrDefault("Rev"), d.Revision is { } r and not 0 ? $"{r:x2}" : null);
            Assert.Equal(record.GetValueOrDefault("ProgIf"), $"{d.ClassCode & 0xff:x2}");
            Assert.Equal(record.GetValueOrDefault("Driver"), d.Driver);
            Assert.Equal(record.GetValueOrDefault("IOMMUGroup"), d.IommuGroup?.ToString(CultureInfo.InvariantCulture));
        }
    }

    [Theory]
    [MemberData(nameof(Trees))]
    public void Scan_ReadsWithoutWarnings(string tree) => Assert.Empty(Scan(tree).Warnings);

    [Theory]
    [MemberData(nameof(Trees))]
    public void Groups_FromDeviceLinks_EqualTheGroupsDirectories(string tree)
    {
        // The scan takes membership from each device's iommu_group link; the kernel also lists it per group.
        var root = CapturedTrees.Path(tree);
        var listed = Directory.GetDirectories(Path.Combine(root, "sys/kernel/iommu_groups"))
            .Select(g => $"{Path.GetFileName(g)}: {string.Join(" ", Directory.GetFileSystemEntries(Path.Combine(g, "devices")).Select(Path.GetFileName).Order(StringComparer.Ordinal))}")
            .Order(StringComparer.Ordinal);
        var scanned = Scan(tree).Groups.Select(g => $"{g.Number}: {string.Join(" ", g.Members)}").Order(StringComparer.Ordinal);
        Assert.Equal(listed, scanned);
    }

    [Theory]
    [MemberData(nameof(Trees))]
    public void Isolation_PredictionFromConfigSpace_EqualsKernelGroups(string tree)
    {
        // The explanation of why devices share a group is only trustworthy if the same rules,
        // applied to config space alone, rebuild the groups the real kernel made.
        var host = Scan(tree);
        var predicted = IsolationAnalyzer.Analyze(host.Devices).PredictedGroups
            .Select(g => string.Join(" ", g)).Order(StringComparer.Ordinal);
        var real = host.Groups.Select(g => string.Join(" ", g.Members)).Order(StringComparer.Ordinal);
        Assert.Equal(real, predicted);
        Assert.DoesNotContain(host.Groups.SelectMany(g => g.SharedBecause), r => r.Kind == IsolationReasonKind.KernelRule);
    }

    [Theory]
    [InlineData("intel-initial")]
    [InlineData("amd-initial")]
    public void Groups_SharedGroups_AreExplainedByTheRightCause(string tree)
    {
        var host = Scan(tree);
        IsolationReasonKind[] Kinds(string address) => host.GroupOf(host.Find(PciAddress.Parse(address))!)!.SharedBecause.Select(r => r.Kind).ToArray();

        Assert.Equal([IsolationReasonKind.MultifunctionWithoutAcs], Kinds("0000:04:00.6"));   // the Renoir-like APU functions
        Assert.Equal([IsolationReasonKind.MultifunctionWithoutAcs], Kinds("0000:01:00.1"));   // NIC + HDA in one slot
        Assert.Equal([IsolationReasonKind.MultifunctionWithoutAcs], Kinds("0000:00:1f.3"));   // ICH9 LPC/SATA/SMBus
        Assert.Equal([IsolationReasonKind.ConventionalPciBridge], Kinds("0000:03:01.0"));     // behind the PCIe-to-PCI bridge
        Assert.Empty(Kinds("0000:00:1b.0"));
        Assert.Empty(Kinds("0000:05:00.0"));                                                  // root port with ACS: alone

        var bridgeReason = host.GroupOf(host.Find(PciAddress.Parse("0000:03:01.0"))!)!.SharedBecause.Single();
        Assert.Equal(PciAddress.Parse("0000:02:00.0"), bridgeReason.Culprit);
        Assert.Equal(["0000:03:01.0", "0000:03:02.0"], bridgeReason.Affected.Select(a => a.ToString()));
    }

    [Fact]
    public void Devices_ConfigSpace_ShowsRealPortTypesAndAcs()
    {
        var host = Scan("intel-initial");
        var rootPort = host.Find(PciAddress.Parse("0000:00:02.3"))!;
        Assert.Equal(PcieDeviceType.RootPort, rootPort.Config!.DeviceType);
        Assert.True(rootPort.Config.Acs!.Value.IsolationEnabled);
        Assert.True(rootPort.IsBridge);
        Assert.Equal(PcieDeviceType.PcieToPciBridge, host.Find(PciAddress.Parse("0000:02:00.0"))!.Config!.DeviceType);
        var renoirAudio = host.Find(PciAddress.Parse("0000:04:00.6"))!;
        Assert.False(renoirAudio.Config!.IsMultifunction); // function 6's header has no multifunction bit ...
        Assert.True(renoirAudio.IsMultifunction);          // ... yet the kernel counts it, as every function above 0
        Assert.Null(renoirAudio.Config.Acs);
        Assert.False(host.Find(PciAddress.Parse("0000:04:00.0"))!.Config!.IsPciExpress); // qemu's VGA is conventional PCI, even on a root port
        Assert.Equal(["0000:00:02.2"], renoirAudio.ParentChain.Select(p => p.ToString()));
        Assert.Equal(["0000:04:00.0", "0000:04:00.1"], renoirAudio.MultifunctionSiblings.Select(p => p.ToString()));
    }

    [Fact]
    public void Devices_HostInterfaces_FoundBelowTheirFunctions()
    {
        var host = Scan("intel-initial");
        string Uses(string address) => string.Join(" ", host.Find(PciAddress.Parse(address))!.HostInterfaces);

        Assert.Equal("block/vda", Uses("0000:00:05.0"));
        Assert.StartsWith("net/", Uses("0000:01:00.0"), StringComparison.Ordinal);
        Assert.StartsWith("net/", Uses("0000:05:00.0"), StringComparison.Ordinal);
        Assert.Contains("sound/card", Uses("0000:00:1b.0"), StringComparison.Ordinal);
        Assert.Contains("drm/card", Uses("0000:04:00.0"), StringComparison.Ordinal);
        Assert.Equal("", Uses("0000:02:00.0"));
    }

    [Fact]
    public void Devices_AttributesFromRealKernel()
    {
        var host = Scan("intel-initial");
        var solo = host.Find(PciAddress.Parse("0000:00:1b.0"))!;
        Assert.Empty(solo.ResetMethods);           // the emulated HDA has no reset method (lab.md)
        Assert.Null(solo.DriverOverride);          // "(null)" in sysfs
        Assert.Contains("pm", host.Find(PciAddress.Parse("0000:05:00.0"))!.ResetMethods);
        Assert.True(host.Find(PciAddress.Parse("0000:04:00.0"))!.BootVga);
        Assert.Equal("identity", host.Groups[0].Type);  // iommu=pt
        var usb = host.Find(PciAddress.Parse("0000:04:00.1"))!;
        Assert.Equal("USB controller", usb.Names.Class);
        Assert.Equal("XHCI", usb.Names.ProgrammingInterface);
    }

    [Fact]
    public void Viability_InitialState_SharedGroupBlockedBySiblingsWithHostDrivers()
    {
        var host = Scan("intel-initial");
        var audio = host.Find(PciAddress.Parse("0000:04:00.6"))!;

        var alone = PassthroughAdvisor.Assess(host, audio);
        Assert.Equal(PassthroughVerdict.BlockedByGroup, alone.Verdict);
        Assert.Equal(["0000:04:00.0", "0000:04:00.1"], alone.Blockers.Select(b => b.Address.ToString()));
        Assert.Contains("bochs-drm", alone.Summary, StringComparison.Ordinal);
        Assert.Contains("xhci_hcd", alone.Summary, StringComparison.Ordinal);
        var wholeGroup = alone.WaysOut.Single(w => w.Kind == WayOutKind.PassWholeGroup);
        Assert.Equal(["0000:04:00.0", "0000:04:00.1"], wholeGroup.Devices.Select(a => a.ToString()));
        Assert.DoesNotContain(alone.WaysOut, w => w.Kind == WayOutKind.MoveCard); // an APU's functions cannot be moved

        var together = PassthroughAdvisor.Assess(host, host.MembersOf(host.GroupOf(audio)!).ToArray());
        Assert.Equal(PassthroughVerdict.CanPassAlone, together.Verdict);
    }

    [Fact]
    public void Viability_BehindBridge_DriverlessBridgeDoesNotBlockButTheNicDoes()
    {
        var host = Scan("intel-vfio-partial");
        var sound = host.Find(PciAddress.Parse("0000:03:01.0"))!;
        Assert.Equal("vfio-pci", sound.Driver);

        var assessment = PassthroughAdvisor.Assess(host, sound);
        Assert.Equal(PassthroughVerdict.BlockedByGroup, assessment.Verdict);
        Assert.Equal(["0000:03:02.0"], assessment.Blockers.Select(b => b.Address.ToString()));
        Assert.Contains(assessment.WaysOut, w => w.Kind == WayOutKind.MoveCard);
        Assert.False(host.GroupOf(sound)!.IsViable);
    }

    [Fact]
    public void Viability_PartlyBoundGroup_IsNotViable()
    {
        // The kernel binds per device; the lab showed VFIO refuses the group (viable=0) until all members are bound.
        var host = Scan("intel-vfio-partial");
        var audio = host.Find(PciAddress.Parse("0000:04:00.6"))!;
        Assert.Equal("vfio-pci", audio.Driver);
        Assert.Equal("vfio-pci", audio.DriverOverride);
        Assert.False(host.GroupOf(audio)!.IsViable);
        Assert.Equal(PassthroughVerdict.BlockedByGroup, PassthroughAdvisor.Assess(host, audio).Verdict);
    }

    [Fact]
    public void Viability_WholeGroupOnVfio_IsReady()
    {
        var host = Scan("intel-vfio-group");
        var audio = host.Find(PciAddress.Parse("0000:04:00.6"))!;
        Assert.True(host.GroupOf(audio)!.IsViable);
        Assert.Equal(PassthroughVerdict.Ready, PassthroughAdvisor.Assess(host, audio).Verdict);
        Assert.Equal(PassthroughVerdict.Ready, PassthroughAdvisor.Assess(host, host.Find(PciAddress.Parse("0000:00:1b.0"))!).Verdict);
        Assert.True(File.Exists(Path.Combine(CapturedTrees.Path("intel-vfio-group"), "dev/vfio", host.GroupOf(audio)!.Number.ToString(CultureInfo.InvariantCulture))));
    }

    [Fact]
    public void Facts_AmdIommu_IsSeen()
    {
        var host = Scan("amd-initial");
        Assert.Equal(["ivhd0"], host.Facts.IommuUnits);
        Assert.Equal("on", host.CommandLine.AmdIommu);
        Assert.True(host.Facts.InterruptRemapping);
        Assert.Contains("vfio_pci", host.Facts.LoadedVfioModules);
    }
}
