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
            var ((plan, unconfirmed), inProgress) = await changes.DryRunAsync(() => PlanStartAsync(request, cancellationToken), cancellationToken);
            return new GuestStartResult(plan, null, unconfirmed.Count == 0 ? $"{request.Guest} can start." : unconfirmed.Summary(), null)
            {
                ChangeInProgress = inProgress,
                Unconfirmed = unconfirmed,
            };
        }

        return await changes.RunAsync($"start of {request.Guest}", () => StartNowAsync(request, cancellationToken), cancellationToken);
    }

    /// <summary>Shuts a guest down (ACPI) or turns it off at once.</summary>
    /// <exception cref="ArgumentException">The name is not one libvirt could have; nothing is journaled.</exception>
    /// <exception cref="LibvirtException">libvirt refused or cannot be reached; the history has the failure.</exception>
    public Task StopAsync(string guest, bool force, Actor actor, CancellationToken cancellationToken = default)
    {
        // Checked before the journal is written: the name would be kept in it.
        GuestName.Validate(guest);
        return changes.RunAsync($"{(force ? "force-off" : "shutdown")} of {guest}", async () =>
        {
            var action = force ? OperationAction.ForceOffGuest : OperationAction.ShutdownGuest;
            var id = await journal.BeginAsync(actor, action, guest, forced: false, [], cancellationToken, guest);
            await CallAsync(id, () => force ? libvirt.DestroyGuestAsync(guest, cancellationToken) : libvirt.ShutdownGuestAsync(guest, cancellationToken));
            await journal.FinishAsync(id, OperationStatus.Succeeded, force ? null : "asked to shut down (ACPI)", OperationJournal.NoDevices, CancellationToken.None);
            return id;
        }, cancellationToken);
    }

    private async Task<GuestStartResult> StartNowAsync(GuestStartRequest request, CancellationToken cancellationToken)
    {
        var (plan, unconfirmed) = await PlanStartAsync(request, cancellationToken);
        if (request.SeenPlan is { } seen && seen != plan.Fingerprint)
        {
            return new GuestStartResult(plan, OperationStatus.Refused,
                unconfirmed.PlanChangedMessage(), null)
            {
                PlanChanged = true,
                Unconfirmed = unconfirmed,
            };
        }

        var devices = plan.JournaledDevices();
        var refusing = unconfirmed.Where(r => !request.Force || !r.CanOverride).ToArray();
        if (refusing.Length > 0)
        {
            await journal.RecordRefusalAsync(request.Actor, OperationAction.StartGuest, request.Guest, devices, refusing.Summary(), cancellationToken, request.Guest);
            return new GuestStartResult(plan, OperationStatus.Refused, refusing.Summary(), null) { Unconfirmed = unconfirmed };
        }

        // Overridden now (force), or when the devices were given to the guest: the history says which.
        var overrode = plan.Refusals.OverriddenBy(force: true, plan.Fingerprint);
        var id = await journal.BeginAsync(request.Actor, OperationAction.StartGuest, request.Guest, overrode is not null, devices, cancellationToken, request.Guest,
            overrode: overrode);
        await CallAsync(id, () => libvirt.StartGuestAsync(request.Guest, cancellationToken));
        var after = plan.Devices.ToDictionary(d => d.Address, d => scanner.DriverOf(d.Address));
        var moved = plan.Devices.Where(d => d.ChangesDriver).Select(d => d.Address).ToArray();
        var message = moved.Length == 0 ? "started" : $"started; libvirt moved {string.Join(", ", moved)} to vfio-pci";
        await journal.FinishAsync(id, OperationStatus.Succeeded, message, after, CancellationToken.None);
        return new GuestStartResult(plan, OperationStatus.Succeeded, message, id);
    }

    /// <summary>
    /// The guest's managed host functions as a detach to vfio-pci (libvirt does that detach when the guest starts), and the
    /// refusals nobody has confirmed: every one that cannot be overridden, and those not overridden when the devices were given.
    /// </summary>
    private async Task<(BindingPlan Plan, IReadOnlyList<Refusal> Unconfirmed)> PlanStartAsync(GuestStartRequest request, CancellationToken cancellationToken)
    {
        var (guests, guest) = await libvirt.FindGuestAsync(request.Guest, cancellationToken);
        var host = scanner.Scan();
        var managed = guest.PersistentHostDevices.Where(d => d.Managed).Select(d => host.Find(d.HostAddress)).OfType<PciDevice>().ToArray();
        var plan = BindingPlanner.PlanDetach(host, HostUsage.Read(scanner.Root, guests.BridgeUsers()), guest.Name, managed, null, request.ConnectionAddress);
        var confirmed = await journal.OverriddenAtAttachAsync(guest.Name, managed.Select(d => d.Address), cancellationToken);
        return (plan, plan.Refusals.Where(r => !r.CanOverride || !confirmed.Contains(r.Reason)).ToArray());
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
