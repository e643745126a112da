using Passthru.Core.Checks;

namespace Passthru.Core.Tests.Checks;

public class HostChecksTests
{
    private static HostFacts Facts(string cmdline = "", CpuVendor cpu = CpuVendor.Intel, int groups = 10, bool? remapping = true,
        string os = "ID=debian", string[]? units = null, string[]? modules = null) => new()
        {
            CommandLine = new KernelCommandLine(cmdline),
            CpuVendor = cpu,
            Os = OsRelease.Parse(os),
            IsProxmox = false,
            IommuUnits = units ?? (groups > 0 ? ["dmar0"] : []),
            IommuGroupCount = groups,
            InterruptRemapping = remapping,
            LoadedVfioModules = modules ?? ["vfio", "vfio_pci", "vfio_iommu_type1"],
            SelinuxEnforcing = null,
        };

    private static HostCheck Check(HostFacts facts, string id) => HostChecks.Evaluate(facts).Single(c => c.Id == id);

    [Fact]
    public void IommuEnabled_NoUnitsOnIntelFedora_FailsWithGrubbyFix()
    {
        var check = Check(Facts(groups: 0, os: "ID=fedora"), "iommu-enabled");
        Assert.Equal(CheckStatus.Fail, check.Status);
        Assert.Contains("VT-d", check.Fix, StringComparison.Ordinal);
        Assert.Contains("grubby --update-kernel=ALL --args=\"intel_iommu=on iommu=pt\"", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void IommuEnabled_AmdWithoutGroups_PointsAtFirmwareNotAFakeFlag()
    {
        var check = Check(Facts(cpu: CpuVendor.Amd, groups: 0), "iommu-enabled");
        Assert.Equal(CheckStatus.Fail, check.Status);
        Assert.Contains("AMD-Vi", check.Fix, StringComparison.Ordinal);
        Assert.DoesNotContain("amd_iommu=on", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void IommuFlag_IntelWithoutFlagAndNoGroups_Fails()
        => Assert.Equal(CheckStatus.Fail, Check(Facts(groups: 0), "iommu-flag").Status);

    [Fact]
    public void IommuFlag_IntelWithoutFlagButGroups_PassesAsKernelDefault()
        => Assert.Equal(CheckStatus.Pass, Check(Facts(groups: 5), "iommu-flag").Status);

    [Fact]
    public void IommuFlag_BootedWithOff_FailsAndSaysRemoveIt()
    {
        var check = Check(Facts("intel_iommu=off"), "iommu-flag");
        Assert.Equal(CheckStatus.Fail, check.Status);
        Assert.Contains("Remove intel_iommu=off", check.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("iommu=pt", CheckStatus.Pass)]
    [InlineData("iommu.passthrough=1", CheckStatus.Pass)]
    [InlineData("intel_iommu=on", CheckStatus.Warn)]
    public void PassthroughMode_FollowsCommandLine(string cmdline, CheckStatus expected)
        => Assert.Equal(expected, Check(Facts(cmdline), "iommu-pt").Status);

    [Fact]
    public void InterruptRemapping_AbsentWithIommu_FailsAndNamesTheUnsafeOption()
    {
        var check = Check(Facts(remapping: false), "interrupt-remapping");
        Assert.Equal(CheckStatus.Fail, check.Status);
        Assert.Contains("allow_unsafe_interrupts", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void AcsOverride_Present_WarnsAboutIsolation()
    {
        var check = Check(Facts("pcie_acs_override=downstream,multifunction"), "acs-override");
        Assert.Equal(CheckStatus.Warn, check.Status);
        Assert.Contains("downstream,multifunction", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AcsOverride_Present_OffersToRemoveIt()
    {
        var line = Check(Facts("pcie_acs_override=downstream"), "acs-override").KernelLine!;
        Assert.Empty(line.Add);
        Assert.Equal(["pcie_acs_override"], line.Remove);
    }

    [Fact]
    public void VfioPciIds_Present_WarnsAndPointsAtClaimsAtBoot()
    {
        var check = Check(Facts("vfio-pci.ids=8086:293e"), "vfio-pci-ids");
        Assert.Equal(CheckStatus.Warn, check.Status);
        Assert.Contains("Claim at boot", check.Fix, StringComparison.Ordinal);
        Assert.Equal(["vfio-pci.ids"], check.KernelLine!.Remove);
    }

    [Fact]
    public void IommuFlag_AmdIommuOff_RemovesItAndAddsPassthroughMode()
    {
        var line = Check(Facts("amd_iommu=off", cpu: CpuVendor.Amd), "iommu-flag").KernelLine!;
        Assert.Equal(["iommu=pt"], line.Add);
        Assert.Equal(["amd_iommu=off"], line.Remove);
    }

    [Fact]
    public void VfioModules_Missing_WarnsWithModprobe()
    {
        var check = Check(Facts(modules: []), "vfio-modules");
        Assert.Equal(CheckStatus.Warn, check.Status);
        Assert.Contains("modprobe vfio-pci", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void CpuVendor_FromCpuinfo()
    {
        Assert.Equal(CpuVendor.Amd, HostFacts.ParseCpuVendor("processor\t: 0\nvendor_id\t: AuthenticAMD\n"));
        Assert.Equal(CpuVendor.Intel, HostFacts.ParseCpuVendor("processor\t: 0\nvendor_id\t: GenuineIntel\n"));
        Assert.Equal(CpuVendor.Unknown, HostFacts.ParseCpuVendor("processor\t: 0\nBogoMIPS\t: 48.00\n"));
    }
}
