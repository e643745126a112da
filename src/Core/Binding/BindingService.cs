using Passthru.Core.Changes;
using Passthru.Core.History;
using Passthru.Core.Pci;
using Passthru.Core.Safety;
using Passthru.Core.Scanning;

namespace Passthru.Core.Binding;

/// <summary>
/// Detaches devices to vfio-pci and gives them back, safely: a fresh scan and the safety rules
/// first, the intent journaled before the first sysfs write (no journal, no action), all or nothing
/// for a group (a failure part-way undoes what was done), the outcome journaled after. Runs take
/// their turn in the host's one change queue.
/// </summary>
public sealed class BindingService(HostScanner scanner, SysfsBinder binder, OperationJournal journal, HostChangeQueue changes,
    IBindingProgress? progress = null, IGuestUse? guests = null)
{
    /// <summary>
    /// Raised after an operation wrote to sysfs, whatever its outcome: live views rescan at once, also
    /// where no uevent would tell them (a captured tree as host root).
    /// </summary>
    public event Action? DriversChanged;

    /// <summary>A dry run answers at once, from the latest state; a run waits for its turn in the host's change queue.</summary>
    public async Task<BindingResult> RunAsync(BindingRequest request, CancellationToken cancellationToken = default)
    {
        if (request.DryRun)
        {
            var ((_, devices, plan), inProgress) = await changes.DryRunAsync(() => PlanAsync(request, cancellationToken), cancellationToken);
            return new BindingResult(plan, null, Describe(plan), null, Drivers(devices)) { ChangeInProgress = inProgress };
        }

        return await changes.RunAsync($"{request.Action.ToString().ToLowerInvariant()} of {request.Target}", () => RunNowAsync(request, cancellationToken), cancellationToken);
    }

    private async Task<BindingResult> RunNowAsync(BindingRequest request, CancellationToken cancellationToken)
    {
        var (host, devices, plan) = await PlanAsync(request, cancellationToken);
        if (request.SeenPlan is { } seen && seen != plan.Fingerprint)
        {
            return new BindingResult(plan, OperationStatus.Refused,
                plan.Refusals.PlanChangedMessage(wouldDo: Describe(plan)), null, Drivers(devices))
            {
                PlanChanged = true,
            };
        }

        var journaled = plan.JournaledDevices();
        if (plan.IsRefused(request.Force))
        {
            var reason = plan.RefusalSummary;
            await journal.RecordRefusalAsync(request.Actor, request.Action, request.Target, journaled, reason, cancellationToken);
            return new BindingResult(plan, OperationStatus.Refused, reason, null, Drivers(devices));
        }

        if (plan.HasNothingToDo)
        {
            return new BindingResult(plan, OperationStatus.Succeeded, $"Nothing to do: {request.Target} is already {(request.Action == OperationAction.Detach ? "on vfio-pci" : "off vfio-pci")}.", null, Drivers(devices));
        }

        // The intent goes to disk before the first write to sysfs. HistoryUnavailableException propagates: no journal, no action.
        var id = await journal.BeginAsync(request.Actor, request.Action, request.Target, request.Force, journaled, cancellationToken,
            overrode: plan.Refusals.OverriddenBy(request.Force, plan.Fingerprint));
        await Report(new BindingStep(id, BindingStepKind.IntentJournaled, null));
        var (status, message) = await ExecuteAsync(id, plan, cancellationToken);
        var after = plan.Devices.ToDictionary(d => d.Address, d => binder.Driver(d.Address));
        if (status == OperationStatus.Succeeded && request.Action == OperationAction.Detach)
        {
            message += ViabilityNote(host, plan, after);
        }

        await journal.FinishAsync(id, status, message, after, CancellationToken.None);
        DriversChanged?.Invoke();
        return new BindingResult(plan, status, message, id, after);
    }

    /// <summary>The one scan of an operation, and its plan.</summary>
    private async Task<(HostSnapshot Host, IReadOnlyList<PciDevice> Devices, BindingPlan Plan)> PlanAsync(BindingRequest request, CancellationToken cancellationToken)
    {
        var use = guests is null ? GuestUse.None : await guests.ReadAsync(cancellationToken);
        var host = scanner.Scan();
        var devices = Targets(host, request);
        var plan = request.Action == OperationAction.Detach
            ? BindingPlanner.PlanDetach(host, HostUsage.Read(scanner.Root, use.BridgeUsers), request.Target, devices, request.ExpectedIds, request.ConnectionAddress)
            : BindingPlanner.PlanReattach(request.Target, devices, await OriginalDriversAsync(devices, cancellationToken), request.ExpectedIds);
        return (host, devices, WithRunningGuests(plan, use.RunningHolders));
    }

    /// <summary>A device a running guest has is not the host's to move: neither to vfio-pci nor back.</summary>
    private static BindingPlan WithRunningGuests(BindingPlan plan, IReadOnlyDictionary<PciAddress, string> holders)
    {
        var held = plan.Devices.Where(d => holders.ContainsKey(d.Address))
            .Select(d => new Refusal(RefusalKind.HeldByRunningGuest, d.Address,
                $"{d.Address} is in use by the running guest {holders[d.Address]}: remove it from the guest (or shut the guest down) first.", CanOverride: false))
            .ToArray();
        return held.Length == 0 ? plan : plan with { Refusals = [.. plan.Refusals, .. held] };
    }

    private Task Report(BindingStep step) => progress?.OnStepAsync(step) ?? Task.CompletedTask;

    private async Task<(OperationStatus Status, string Message)> ExecuteAsync(long id, BindingPlan plan, CancellationToken cancellationToken)
    {
        var done = new List<PlannedDevice>();
        try
        {
            if (plan.Action == OperationAction.Detach)
            {
                await binder.EnsureVfioPciAsync(cancellationToken);
            }

            foreach (var device in plan.Devices.Where(d => d.ChangesDriver))
            {
                done.Add(device);
                await (plan.Action == OperationAction.Detach
                    ? binder.DetachAsync(device.Address, device.Group, cancellationToken)
                    : binder.ReattachAsync(device.Address, device.DriverAfter == BindingPlanner.UnknownHostDriver ? null : device.DriverAfter, cancellationToken));
                await Report(new BindingStep(id, BindingStepKind.DeviceMoved, device.Address));
            }

            return (OperationStatus.Succeeded, Describe(plan, done: true));
        }
        catch (BindingHangException hang)
        {
            // A write is stuck in the kernel: touching the group further could hang too. Say so and stop.
            return (OperationStatus.Failed, $"{hang.Explained} Nothing was undone.");
        }
        catch (BindingException failure)
        {
            var undo = await UndoAsync(plan.Action, done, CancellationToken.None);
            return undo is null
                ? (OperationStatus.RolledBack, $"{failure.Explained} Undone: every device is back where it was.")
                : (OperationStatus.Failed, $"{failure.Explained} Undoing failed too: {undo}");
        }
    }

    /// <summary>Puts the devices already moved back where they were, newest first; the error text, or null when all went back.</summary>
    private async Task<string?> UndoAsync(OperationAction action, List<PlannedDevice> done, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        foreach (var device in Enumerable.Reverse(done))
        {
            try
            {
                if (action == OperationAction.Detach)
                {
                    await binder.ReattachAsync(device.Address, device.DriverNow, cancellationToken);
                }
                else
                {
                    await binder.DetachAsync(device.Address, device.Group, cancellationToken);
                }
            }
            catch (BindingException ex)
            {
                errors.Add(ex.Message);
            }
        }

        return errors.Count == 0 ? null : string.Join(" ", errors);
    }

    private static IReadOnlyList<PciDevice> Targets(HostSnapshot host, BindingRequest request)
    {
        if (request.Device is { } address)
        {
            return [host.Find(address) ?? throw new UnknownTargetException($"There is no PCI device {address} on this host.")];
        }

        var group = (request.Group is { } number ? host.FindGroup(number) : null)
            ?? throw new UnknownTargetException($"There is no IOMMU group {request.Group} on this host.");
        // A group's bridges stay on their drivers: they do not count for viability and vfio-pci does not bind them.
        return host.MembersOf(group).Where(d => !d.IsBridge).ToArray();
    }

    private async Task<IReadOnlyDictionary<PciAddress, string?>> OriginalDriversAsync(IReadOnlyList<PciDevice> devices, CancellationToken cancellationToken)
    {
        var drivers = new Dictionary<PciAddress, string?>();
        foreach (var device in devices)
        {
            drivers[device.Address] = await journal.DriverBeforeLastDetachAsync(device.Address, cancellationToken);
        }

        return drivers;
    }

    /// <summary>
    /// After a detach: whether the groups touched can now go to a guest, and if not, who still holds them.
    /// From the operation's own scan, with the drivers it found afterwards: no second scan.
    /// </summary>
    private static string ViabilityNote(HostSnapshot host, BindingPlan plan, IReadOnlyDictionary<PciAddress, string?> after)
    {
        var notes = new List<string>();
        foreach (var number in plan.Devices.Select(d => d.Group).OfType<int>().Distinct())
        {
            var members = host.FindGroup(number) is { } group
                ? host.MembersOf(group).Select(d => after.TryGetValue(d.Address, out var driver) ? d with { Driver = driver } : d).ToArray()
                : [];
            var blockers = Iommu.Viability.Blockers(members, new HashSet<PciAddress>()).Select(b => $"{b.Address} ({b.Driver})").ToArray();
            notes.Add(blockers.Length == 0
                ? $" IOMMU group {number} is viable: a guest can use it."
                : $" IOMMU group {number} is not viable yet: {string.Join(", ", blockers)} still on host drivers; a guest cannot use the group until they are detached too.");
        }

        return string.Concat(notes);
    }

    private static Dictionary<PciAddress, string?> Drivers(IEnumerable<PciDevice> devices) => devices.ToDictionary(d => d.Address, d => d.Driver);

    private static string Describe(BindingPlan plan, bool done = false)
    {
        var moves = plan.Devices.Where(d => d.ChangesDriver).Select(d => $"{d.Address} {d.DriverNow ?? "no driver"} → {d.DriverAfter}").ToArray();
        return moves.Length == 0 ? "Nothing to change." : $"{(done ? "Done" : "Would move")}: {string.Join(", ", moves)}.";
    }
}
