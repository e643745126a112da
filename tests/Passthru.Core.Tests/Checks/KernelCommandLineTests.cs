using Passthru.Core.Checks;

namespace Passthru.Core.Tests.Checks;

public class KernelCommandLineTests
{
    [Fact]
    public void Parameters_TypicalPassthroughHost_AreRead()
    {
        var cmdline = new KernelCommandLine(
            "BOOT_IMAGE=/vmlinuz-6.1.0 root=UUID=1234 ro quiet amd_iommu=on iommu=pt pcie_acs_override=downstream,multifunction vfio-pci.ids=1002:1637,1022:15e3\n");
        Assert.Equal("on", cmdline.AmdIommu);
        Assert.Equal("pt", cmdline.Iommu);
        Assert.Equal("downstream,multifunction", cmdline.AcsOverride);
        Assert.Equal(["1002:1637", "1022:15e3"], cmdline.VfioPciIds);
        Assert.True(cmdline.Has("quiet"));
        Assert.Null(cmdline.IntelIommu);
    }

    [Fact]
    public void Parameters_QuotedValueWithSpaces_StaysWhole()
    {
        var cmdline = new KernelCommandLine("dyndbg=\"file vfio_pci_core.c +p\" intel_iommu=on");
        Assert.Equal("file vfio_pci_core.c +p", cmdline.Parameters["dyndbg"]);
        Assert.Equal("on", cmdline.IntelIommu);
    }

    [Fact]
    public void Parameters_Repeated_LastWins()
        => Assert.Equal("off", new KernelCommandLine("intel_iommu=on intel_iommu=off").IntelIommu);

    [Fact]
    public void VfioPciIds_UnderscoreSpelling_IsRecognised()
        => Assert.Equal(["8086:293e"], new KernelCommandLine("vfio_pci.ids=8086:293e").VfioPciIds);
}
