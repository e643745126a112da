using Passthru.Core.Checks;
using Passthru.Core.Boot.CommandLine;

namespace Passthru.Core.Tests.Boot;

public sealed class CommandLineEditTests
{
    private static ParameterChange Change(string[] add, string[] remove)
        => ParameterChange.TryCreate(add, remove, out var change, out var error) ? change : throw new InvalidOperationException(error);

    [Fact]
    public void GrubDefault_AddAndRemove_KeepsQuotesOtherWordsAndOtherLines()
    {
        const string before = """
            # If you change this file, run 'update-grub' afterwards.
            GRUB_DEFAULT=0
            GRUB_CMDLINE_LINUX_DEFAULT="quiet splash $vt_handoff"
            GRUB_CMDLINE_LINUX='pcie_acs_override=downstream,multifunction console=ttyS0'

            """;

        var after = GrubDefaultFile.Apply(before, Change(["intel_iommu=on", "iommu=pt"], ["pcie_acs_override"]));

        Assert.Equal("""
            # If you change this file, run 'update-grub' afterwards.
            GRUB_DEFAULT=0
            GRUB_CMDLINE_LINUX_DEFAULT="quiet splash $vt_handoff intel_iommu=on iommu=pt"
            GRUB_CMDLINE_LINUX='console=ttyS0'

            """, after);
    }

    [Fact]
    public void GrubDefault_AddingAValue_ReplacesTheOldValueWhereItIs()
    {
        const string before = "GRUB_CMDLINE_LINUX=\"iommu=off rhgb\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n";

        var after = GrubDefaultFile.Apply(before, Change(["iommu=pt"], []));

        Assert.Equal("GRUB_CMDLINE_LINUX=\"iommu=pt rhgb\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n", after);
    }

    [Fact]
    public void GrubDefault_WithoutADefaultLine_GetsOneAndTheShellsLastAssignmentIsTheOneEdited()
    {
        const string before = "GRUB_CMDLINE_LINUX=\"vfio-pci.ids=8086:293e\"\nGRUB_CMDLINE_LINUX=\"vfio_pci.ids=10de:1b80 quiet\"\n";

        var after = GrubDefaultFile.Apply(before, Change(["iommu=pt"], ["vfio-pci.ids"]));

        Assert.Equal("GRUB_CMDLINE_LINUX=\"vfio-pci.ids=8086:293e\"\nGRUB_CMDLINE_LINUX=\"quiet\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"iommu=pt\"\n", after);
    }

    [Fact]
    public void GrubDefault_ValueBuiltByTheShell_IsRefusedNotGuessed()
    {
        var ex = Assert.Throws<BootSetupException>(() =>
            GrubDefaultFile.Apply("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\" $EXTRA\"\n", Change(["iommu=pt"], [])));
        Assert.Contains("line 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KernelCmdline_EditsTheOneLineAndKeepsTheNewline()
    {
        var after = KernelCmdlineFile.Apply("root=ZFS=rpool/ROOT/pve-1 boot=zfs amd_iommu=off pcie_acs_override=downstream\n",
            Change(["iommu=pt"], ["pcie_acs_override", "amd_iommu=off"]));

        Assert.Equal("root=ZFS=rpool/ROOT/pve-1 boot=zfs iommu=pt\n", after);
    }

    [Fact]
    public void KernelCmdline_RemovingOnlyOneValue_KeepsAnother()
    {
        Assert.Equal("amd_iommu=force_isolation\n", KernelCmdlineFile.Apply("amd_iommu=force_isolation\n", Change([], ["amd_iommu=off"])));
    }

    [Theory]
    [InlineData("iommu=pt; reboot", null)]
    [InlineData("iommu=pt\"", null)]
    [InlineData(null, "root")]
    [InlineData("pcie_acs_override=downstream", null)]
    public void ParameterChange_OutsideTheAllowedSet_IsRefused(string? add, string? remove)
    {
        Assert.False(ParameterChange.TryCreate(add is null ? [] : [add], remove is null ? [] : [remove], out _, out var error));
        Assert.Contains("only", error, StringComparison.Ordinal);
    }

    [Fact]
    public void UnifiedDiff_ShowsTheChangedLineWithContext()
    {
        var diff = UnifiedDiff.Of("/etc/default/grub", "a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nd\nE\nf\ng\nh\n");

        Assert.Equal("""
            --- /etc/default/grub
            +++ /etc/default/grub
            @@ -2,7 +2,7 @@
             b
             c
             d
            -e
            +E
             f
             g
             h

            """, diff);
    }

    [Fact]
    public void RebootPending_NamesWhatTheNextBootAddsAndDrops_NotTheBootLoadersOwnWords()
    {
        var pending = RebootPending.Compare(
            KernelParameters.Split("quiet splash $vt_handoff intel_iommu=on iommu=pt"),
            KernelParameters.Split("BOOT_IMAGE=/boot/vmlinuz-6.1.0 root=UUID=1234 ro quiet splash vt.handoff=7 pcie_acs_override=downstream intel_iommu=on"));

        Assert.Equal(["iommu=pt"], pending.Added);
        Assert.Equal(["pcie_acs_override=downstream"], pending.Removed);
        Assert.False(RebootPending.Compare(["quiet"], ["BOOT_IMAGE=x", "quiet"]).IsPending);
    }
}

public sealed class CheckFixesAreApplicableTests
{
    /// <summary>Every command line change a check proposes is one Apply accepts: a proposal outside the allowed set would be a dead button.</summary>
    [Theory]
    [InlineData("", CpuVendor.Intel, 0)]
    [InlineData("intel_iommu=off iommu=off", CpuVendor.Intel, 0)]
    [InlineData("amd_iommu=off pcie_acs_override=downstream vfio_pci.ids=10de:1b80", CpuVendor.Amd, 3)]
    [InlineData("", CpuVendor.Amd, 0)]
    public void EveryCheckKernelLine_IsInTheAllowedSet(string cmdline, CpuVendor cpu, int groups)
    {
        var facts = new HostFacts
        {
            CommandLine = new KernelCommandLine(cmdline), CpuVendor = cpu, Os = OsRelease.Parse("ID=debian"), IsProxmox = false,
            IommuUnits = groups > 0 ? ["dmar0"] : [], IommuGroupCount = groups, InterruptRemapping = true, LoadedVfioModules = [], SelinuxEnforcing = null,
        };

        var lines = HostChecks.Evaluate(facts).Select(c => c.KernelLine).OfType<KernelLineFix>().ToArray();

        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.True(ParameterChange.TryCreate(l.Add, l.Remove, out _, out var error), error));
    }
}
