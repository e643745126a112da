using Passthru.Core.Binding;
using Passthru.Core.History;
using Passthru.Core.Pci;
using Passthru.Core.Tests.Binding;

namespace Passthru.Core.Tests.Changes;

/// <summary>
/// An override covers only the refusals the person saw: the run carries the dry run's fingerprint. On
/// a FIXTURE ROOT (a writable copy of the intel-initial capture: /dev/vda1 mounted from 00:05.0's disk,
/// /dev/vda2 swap), where the tests change the host between the dry run and the run.
/// </summary>
public sealed class PlanBoundOverrideTests : FixtureRootTests
{
    private static readonly PciAddress Disk = PciAddress.Parse("0000:00:05.0");

    private readonly OperationJournal _journal;
    private readonly BindingService _service;

    public PlanBoundOverrideTests() => (_service, _journal) = CreateBinding();

    private string DriverOverride => File.ReadAllText(Path.Combine(Tree, "sys/bus/pci/devices/0000:00:05.0/driver_override"));

    [Fact]
    public async Task ForcedRun_RefusalAppearedAfterTheDryRun_IsNotOverriddenAndNothingIsWritten()
    {
        var dryRun = await _service.RunAsync(new BindingRequest(OperationAction.Detach, Disk, null, Localhost, DryRun: true));
        Assert.Equal(2, dryRun.Plan.Refusals.Count);
        var before = DriverOverride;

        // Meanwhile somebody mounts the disk's filesystem a second time: a refusal nobody saw.
        File.AppendAllText(Path.Combine(Tree, "proc/mounts"), "/dev/vda1 /mnt/backup ext4 rw,relatime 0 0\n");
        var run = await _service.RunAsync(new BindingRequest(OperationAction.Detach, Disk, null, Localhost, Force: true, SeenPlan: dryRun.Plan.Fingerprint));

        Assert.True(run.PlanChanged);
        Assert.Equal(OperationStatus.Refused, run.Status);
        Assert.Contains("/dev/vda1 is mounted on /mnt/backup", run.Message, StringComparison.Ordinal);
        Assert.Contains(run.Plan.Refusals, r => r.Reason.Contains("/mnt/backup", StringComparison.Ordinal));
        Assert.NotEqual(dryRun.Plan.Fingerprint, run.Plan.Fingerprint);
        Assert.Equal(before, DriverOverride);
        Assert.Empty(await _journal.ListAsync());
    }

    [Fact]
    public async Task ForcedRun_PlanUnchanged_RunsAndTheHistoryKeepsWhatItOverrode()
    {
        var dryRun = await _service.RunAsync(new BindingRequest(OperationAction.Detach, Disk, null, Localhost, DryRun: true));

        var run = await _service.RunAsync(new BindingRequest(OperationAction.Detach, Disk, null, Localhost, Force: true, SeenPlan: dryRun.Plan.Fingerprint));

        Assert.False(run.PlanChanged);
        var record = Assert.Single(await _journal.ListAsync());
        Assert.Equal(run.OperationId, record.Id);
        Assert.True(record.Forced);
        Assert.Equal(dryRun.Plan.Fingerprint, record.Overrode!.Fingerprint);
        Assert.Equal(dryRun.Plan.Refusals.Select(r => r.Reason), record.Overrode.Refusals);
    }

    [Fact]
    public async Task ScriptForce_WithoutAFingerprint_StillRuns_AndTheHistoryNamesTheOverriddenRefusals()
    {
        var run = await _service.RunAsync(new BindingRequest(OperationAction.Detach, Disk, null, Localhost, Force: true));

        var record = Assert.Single(await _journal.ListAsync());
        Assert.Equal(run.Plan.Fingerprint, record.Overrode!.Fingerprint);
        Assert.Contains(record.Overrode.Refusals, r => r.Contains("/dev/vda1 is mounted on /var/lib/libvirt/images", StringComparison.Ordinal));
        Assert.Contains(record.Overrode.Refusals, r => r.Contains("/dev/vda2 is active swap", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnforcedRun_NothingToOverride_HistoryHasNoOverride()
    {
        var run = await _service.RunAsync(new BindingRequest(OperationAction.Detach, PciAddress.Parse("0000:00:1b.0"), null, Localhost));

        Assert.NotNull(run.OperationId);
        Assert.Null(Assert.Single(await _journal.ListAsync()).Overrode);
    }

    [Fact]
    public async Task Fingerprint_SameHost_IsStable_AndFollowsEveryDriverChange()
    {
        var first = await _service.RunAsync(new BindingRequest(OperationAction.Detach, Disk, null, Localhost, DryRun: true));
        var again = await _service.RunAsync(new BindingRequest(OperationAction.Detach, Disk, null, Localhost, DryRun: true));
        Assert.Equal(first.Plan.Fingerprint, again.Plan.Fingerprint);

        // The swap goes away: one refusal less, another plan.
        File.WriteAllText(Path.Combine(Tree, "proc/swaps"), "Filename\tType\tSize\tUsed\tPriority\n");
        var changed = await _service.RunAsync(new BindingRequest(OperationAction.Detach, Disk, null, Localhost, DryRun: true));
        Assert.NotEqual(first.Plan.Fingerprint, changed.Plan.Fingerprint);
    }
}
