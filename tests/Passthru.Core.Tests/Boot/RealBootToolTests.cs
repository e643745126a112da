using Passthru.Core.Boot.CommandLine;
using Passthru.Core.Changes;
using Passthru.Core.History;
using Passthru.Core.Host;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Boot;

/// <summary>
/// Apply with the tools Debian ships, run for real in a chroot: update-grub (grub2-common, with
/// grub-common's grub-mkconfig and 10_linux) regenerates grub.cfg from the edited /etc/default/grub,
/// kernel-install (systemd) writes a boot loader entry from the edited /etc/kernel/cmdline.
/// </summary>
public sealed class RealBootToolTests : IDisposable
{
    private readonly ChrootScratchRoot _chroot = new();
    private readonly string _database = Scratch.NewPath("passthru-cmdline") + ".db";
    private readonly OperationJournal _journal;

    public RealBootToolTests() => _journal = new OperationJournal(new HistoryDatabase(_database), TimeProvider.System);

    public void Dispose()
    {
        _chroot.Dispose();
        Scratch.DeleteDatabase(_database);
    }

    private CommandLineApplier Applier() => new(new HostRoot(_chroot.Path), new HostRoot(_chroot.Path), _journal, new HostChangeQueue(), new ToolRunner(TimeSpan.FromMinutes(2)),
        TimeProvider.System);

    private static ParameterChange Change(string[] add, string[] remove)
        => ParameterChange.TryCreate(add, remove, out var change, out var error) ? change : throw new InvalidOperationException(error);

    [Fact]
    public async Task UpdateGrub_RegeneratesGrubCfgFromTheEditedDefaultFile_AndKeepsABackup()
    {
        const string before = "GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet pcie_acs_override=downstream\"\nGRUB_CMDLINE_LINUX=\"\"\n";
        _chroot.Write("etc/default/grub", before);
        Directory.CreateDirectory(_chroot.Combine("etc/grub.d"));
        foreach (var script in Directory.EnumerateFiles("/etc/grub.d"))
        {
            File.Copy(script, _chroot.Combine("etc/grub.d/" + Path.GetFileName(script)));
        }

        _chroot.Write("boot/vmlinuz-6.1.0-99-amd64", "");
        _chroot.Write("boot/initrd.img-6.1.0-99-amd64", "");
        Directory.CreateDirectory(_chroot.Combine("boot/grub"));
        var applier = Applier();
        var dryRun = await applier.DryRunAsync(Change(["intel_iommu=on", "iommu=pt"], ["pcie_acs_override"]));
        Assert.Equal(["chroot", _chroot.Path, "/usr/sbin/update-grub"], Assert.Single(dryRun.Plan.Commands).Arguments);
        Assert.Equal("""
            --- /etc/default/grub
            +++ /etc/default/grub
            @@ -1,4 +1,4 @@
             GRUB_DEFAULT=0
             GRUB_TIMEOUT=5
            -GRUB_CMDLINE_LINUX_DEFAULT="quiet pcie_acs_override=downstream"
            +GRUB_CMDLINE_LINUX_DEFAULT="quiet intel_iommu=on iommu=pt"
             GRUB_CMDLINE_LINUX=""

            """, Assert.Single(dryRun.Plan.Edits).Diff);

        var result = await applier.ApplyAsync(dryRun.Plan.Change, new Actor("alice", "127.0.0.1"), dryRun.Plan.Fingerprint);

        Assert.True(result.Status == OperationStatus.Succeeded, result.Message);
        var linux = File.ReadAllLines(_chroot.Combine("boot/grub/grub.cfg")).Where(l => l.TrimStart().StartsWith("linux\t", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(linux);
        Assert.All(linux, l => Assert.DoesNotContain("pcie_acs_override", l, StringComparison.Ordinal));
        Assert.Contains(linux, l => l.EndsWith("quiet intel_iommu=on iommu=pt", StringComparison.Ordinal));
        Assert.Equal(before, File.ReadAllText(_chroot.Combine(Assert.Single(result.Backups).TrimStart('/'))));
        var record = Assert.Single(await _journal.ListAsync(action: OperationAction.ApplyKernelCommandLine));
        Assert.Equal(("alice", "/etc/default/grub", OperationStatus.Succeeded), (record.Actor, record.Target, record.Status));
        Assert.Contains("Generating grub configuration file", record.Message, StringComparison.Ordinal);
        Assert.Equal(["intel_iommu=on", "iommu=pt"], applier.Status().Pending!.Added);
    }

    [Fact]
    public async Task KernelInstall_WritesTheEditedCmdlineIntoTheBootLoaderEntry()
    {
        _chroot.Write("etc/kernel/cmdline", "root=UUID=1234 ro quiet vfio-pci.ids=8086:293e\n");
        _chroot.Write("etc/kernel/install.conf", "layout=bls\n");
        _chroot.Write("etc/machine-id", "0123456789abcdef0123456789abcdef\n");
        Directory.CreateDirectory(_chroot.Combine("boot/loader/entries"));
        _chroot.Write("boot/vmlinuz-6.1.0-99-amd64", "not a kernel, but kernel-install only copies it");

        var result = await Applier().ApplyAsync(Change(["iommu=pt"], ["vfio-pci.ids"]), new Actor("root", null), null);

        Assert.True(result.Status == OperationStatus.Succeeded, result.Message);
        Assert.Equal(["chroot", _chroot.Path, "/usr/bin/kernel-install", "add", "6.1.0-99-amd64", "/boot/vmlinuz-6.1.0-99-amd64"],
            Assert.Single(result.Plan.Commands).Arguments);
        var entry = File.ReadAllText(Assert.Single(Directory.GetFiles(_chroot.Combine("boot/loader/entries"), "*.conf")));
        Assert.True(entry.Contains("options    root=UUID=1234 ro quiet iommu=pt systemd.machine_id=", StringComparison.Ordinal), entry);
    }

    [Fact]
    public async Task UnrecognisedSetup_IsRefusedJournaledAndNothingIsWritten()
    {
        var result = await Applier().ApplyAsync(Change(["iommu=pt"], []), new Actor("bob", "192.0.2.1"), null);

        Assert.Equal(OperationStatus.Refused, result.Status);
        var record = Assert.Single(await _journal.ListAsync());
        Assert.Equal((OperationAction.ApplyKernelCommandLine, OperationStatus.Refused, "bob"), (record.Action, record.Status, record.Actor));
        Assert.Contains("not recognised", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaleFingerprint_ChangesNothing()
    {
        const string before = "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n";
        _chroot.Write("etc/default/grub", before);
        var applier = Applier();
        var shown = await applier.DryRunAsync(Change(["iommu=pt"], []));
        _chroot.Write("etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash\"\n");

        var result = await applier.ApplyAsync(shown.Plan.Change, new Actor("alice", null), shown.Plan.Fingerprint);

        Assert.True(result.PlanChanged);
        Assert.Equal("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash\"\n", File.ReadAllText(_chroot.Combine("etc/default/grub")));
        Assert.Single(Directory.GetFiles(_chroot.Combine("etc/default")));
        Assert.Equal(OperationStatus.Refused, Assert.Single(await _journal.ListAsync()).Status);
    }
}
