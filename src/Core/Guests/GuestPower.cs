using Passthru.Core.Binding;
using Passthru.Core.Changes;
using Passthru.Core.History;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.Core.Safety;
using Passthru.Core.Scanning;

namespace Passthru.Core.Guests;

/// <summary>
/// Start, shut down and force off, journaled like every other change and in the host's one change
/// queue. A guest's start is when libvirt takes its managed devices from the host, so a start is
/// planned as their detach would be: what the host loses, and refused unless confirmed.
/// </summary>
public sealed class GuestPower(ILibvirtClient libvirt, HostScanner scanner, OperationJournal journal, HostChangeQueue changes)
{
    /// <summary>Starts a stopped guest; a dry run only plans it.</summary>
    /// <exception cref="UnknownTargetException">No such guest.</exception>
    /// <exception cref="LibvirtUnavailableException">libvirt cannot be reached.</exception>
    /// <exception cref="LibvirtException">libvirt refused the start; the history has the failure.</exception>
    public async Task<GuestStartResult> StartAsync(GuestStartRequest request, CancellationToken cancellationToken = default)
    {
        if (request.DryRun)
        {
            var inProgress = changes.InProgress;
            var plan = await Task.Run(() => PlanStartAsync(request, cancellationToken), cancellationToken);
            return new GuestStartResult(plan, null, plan.Refusals.Count == 0 ? $"{request.Guest} can start." : plan.RefusalSummary, null) { ChangeInProgress = inProgress };
        }

        return await changes.RunAsync($"start of {request.Guest}", () => StartNowAsync(request, cancellationToken), cancellationToken);
    }

    /// <summary>Shuts a guest down (ACPI) or turns it off at once.</summary>
    /// <exception cref="LibvirtException">libvirt refused or cannot be reached; the history has the failure.</exception>
    public Task StopAsync(string guest, bool force, Actor actor, CancellationToken cancellationToken = default)
        => changes.RunAsync($"{(force ? "force-off" : "shutdown")} of {guest}", async () =>
        {
            var action = force ? OperationAction.ForceOffGuest : OperationAction.ShutdownGuest;
            var id = await journal.BeginAsync(actor, action, guest, forced: false, [], cancellationToken, guest);
            await CallAsync(id, () => force ? libvirt.DestroyGuestAsync(guest, cancellationToken) : libvirt.ShutdownGuestAsync(guest, cancellationToken));
            await journal.FinishAsync(id, OperationStatus.Succeeded, force ? null : "asked to shut down (ACPI)", OperationJournal.NoDevices, CancellationToken.None);
            return id;
        }, cancellationToken);

    private async Task<GuestStartResult> StartNowAsync(GuestStartRequest request, CancellationToken cancellationToken)
    {
        var plan = await PlanStartAsync(request, cancellationToken);
        if (request.SeenPlan is { } seen && seen != plan.Fingerprint)
        {
            return new GuestStartResult(plan, OperationStatus.Refused,
                $"The plan changed since it was shown: {(plan.Refusals.Count > 0 ? $"now {plan.RefusalSummary}" : "look at it again.")} Nothing was done.", null)
            {
                PlanChanged = true,
            };
        }

        var devices = plan.Devices.Select(d => new OperationDevice(d.Address, d.VendorId, d.DeviceId, d.Group, d.DriverNow)).ToArray();
        if (plan.IsRefused(request.Force))
        {
            await journal.RecordRefusalAsync(request.Actor, OperationAction.StartGuest, request.Guest, devices, plan.RefusalSummary, cancellationToken, request.Guest);
            return new GuestStartResult(plan, OperationStatus.Refused, plan.RefusalSummary, null);
        }

        var id = await journal.BeginAsync(request.Actor, OperationAction.StartGuest, request.Guest, request.Force, devices, cancellationToken, request.Guest,
            overrode: plan.Refusals.OverriddenBy(request.Force, plan.Fingerprint));
        await CallAsync(id, () => libvirt.StartGuestAsync(request.Guest, cancellationToken));
        var after = plan.Devices.ToDictionary(d => d.Address, d => scanner.DriverOf(d.Address));
        var moved = plan.Devices.Where(d => d.ChangesDriver).Select(d => d.Address).ToArray();
        var message = moved.Length == 0 ? "started" : $"started; libvirt moved {string.Join(", ", moved)} to vfio-pci";
        await journal.FinishAsync(id, OperationStatus.Succeeded, message, after, CancellationToken.None);
        return new GuestStartResult(plan, OperationStatus.Succeeded, message, id);
    }

    /// <summary>The guest's managed host functions as a detach to vfio-pci: libvirt does that detach when the guest starts.</summary>
    private async Task<BindingPlan> PlanStartAsync(GuestStartRequest request, CancellationToken cancellationToken)
    {
        var guests = await libvirt.ListGuestsAsync(cancellationToken);
        if (!guests.Availability.IsAvailable)
        {
            throw new LibvirtUnavailableException(guests.Availability);
        }

        var guest = guests.Guests.FirstOrDefault(g => g.Name == request.Guest)
            ?? throw new UnknownTargetException($"There is no guest named {request.Guest} at {libvirt.Uri}.");
        var host = scanner.Scan();
        var managed = guest.PersistentHostDevices.Where(d => d.Managed).Select(d => host.Find(d.HostAddress)).OfType<PciDevice>().ToArray();
        return BindingPlanner.PlanDetach(host, HostUsage.Read(scanner.Root, guests.BridgeUsers()), guest.Name, managed, null, request.ConnectionAddress);
    }

    private async Task CallAsync(long id, Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (LibvirtException ex)
        {
            await journal.FinishAsync(id, OperationStatus.Failed, ex.Message, OperationJournal.NoDevices, CancellationToken.None);
            throw;
        }
    }
}
