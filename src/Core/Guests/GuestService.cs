using Passthru.Core.Changes;
using Passthru.Core.History;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.Core.Safety;
using Passthru.Core.Scanning;

namespace Passthru.Core.Guests;

/// <summary>The outcome of a guest operation; the guest as read back afterwards when libvirt answered.</summary>
public sealed record GuestResult(GuestPlan? Plan, OperationStatus? Status, string Message, Guest? Guest, long? OperationId)
{
    /// <summary>Refused because the plan differs from the one the person saw: nothing was done or journaled; <see cref="Plan"/> is the new one.</summary>
    public bool PlanChanged { get; init; }

    /// <summary>For a dry run: the change that is running now, if any.</summary>
    public string? ChangeInProgress { get; init; }
}

/// <summary>
/// Gives host functions to libvirt guests and takes them back: a fresh scan and the rules first, the
/// intent journaled before libvirt is asked, all or nothing for several functions (what was attached
/// is detached again when a later one fails), the outcome journaled after. Changes take their turn
/// in the host's one change queue; a dry run answers at once.
/// </summary>
public sealed class GuestService(ILibvirtClient libvirt, HostScanner scanner, OperationJournal journal, HostChangeQueue changes)
{
    /// <exception cref="UnknownTargetException">No such guest, or a function not on this host.</exception>
    /// <exception cref="LibvirtUnavailableException">libvirt cannot be reached.</exception>
    public async Task<GuestResult> AttachAsync(GuestAttachRequest request, CancellationToken cancellationToken = default)
    {
        if (request.DryRun)
        {
            var ((guest, _, plan), inProgress) = await changes.DryRunAsync(() => PlanAttachAsync(request, cancellationToken), cancellationToken);
            var message = plan.IsRefused(request.Force) ? plan.RefusalSummary : $"{plan.Target} can go to {guest.Name} ({plan.Mode}).";
            return new GuestResult(plan, null, message, guest, null) { ChangeInProgress = inProgress };
        }

        return await changes.RunAsync($"attach of {string.Join(", ", request.Devices)} to {request.Guest}", () => AttachNowAsync(request, cancellationToken), cancellationToken);
    }

    private async Task<GuestResult> AttachNowAsync(GuestAttachRequest request, CancellationToken cancellationToken)
    {
        var (guest, devices, plan) = await PlanAttachAsync(request, cancellationToken);
        if (request.SeenPlan is { } seen && seen != plan.Fingerprint)
        {
            return new GuestResult(plan, OperationStatus.Refused,
                plan.Refusals.PlanChangedMessage(), guest, null)
            {
                PlanChanged = true,
            };
        }

        var journaled = Journaled(devices);
        if (plan.IsRefused(request.Force))
        {
            await journal.RecordRefusalAsync(request.Actor, OperationAction.AttachToGuest, plan.Target, journaled, plan.RefusalSummary, cancellationToken, guest.Name, plan.Mode);
            return new GuestResult(plan, OperationStatus.Refused, plan.RefusalSummary, guest, null);
        }

        var id = await journal.BeginAsync(request.Actor, OperationAction.AttachToGuest, plan.Target, request.Force, journaled, cancellationToken, guest.Name, plan.Mode,
            plan.Refusals.OverriddenBy(request.Force, plan.Fingerprint));
        var (status, message, after) = await AttachAllAsync(plan, cancellationToken);
        // libvirt moves no driver at an attach (a managed device moves when the guest starts): the drivers are as planned.
        await journal.FinishAsync(id, status, message, devices.ToDictionary(d => d.Address, d => d.Driver), CancellationToken.None);
        return new GuestResult(plan, status, message, after ?? guest, id);
    }

    /// <summary>The one scan and the one guest listing of an attach, and its plan.</summary>
    private async Task<(Guest Guest, PciDevice[] Devices, GuestPlan Plan)> PlanAttachAsync(GuestAttachRequest request, CancellationToken cancellationToken)
    {
        var (guests, guest) = await libvirt.FindGuestAsync(request.Guest, cancellationToken);
        var host = scanner.Scan();
        var devices = request.Devices.Distinct().Select(a => host.Find(a) ?? throw new UnknownTargetException($"There is no PCI device {a} on this host.")).ToArray();
        return (guest, devices, GuestAttachPlanner.Plan(host, HostUsage.Read(scanner.Root, guests.BridgeUsers()), guests, guest, request, devices));
    }

    /// <summary>Takes a function out of both of a guest's definitions (each has its own guest-side address).</summary>
    /// <exception cref="UnknownTargetException">No such guest, or the guest does not have the function.</exception>
    public Task<GuestResult> DetachAsync(string guestName, PciAddress address, Actor actor, CancellationToken cancellationToken = default)
        => changes.RunAsync($"removal of {address} from {guestName}", () => DetachNowAsync(guestName, address, actor, cancellationToken), cancellationToken);

    private async Task<GuestResult> DetachNowAsync(string guestName, PciAddress address, Actor actor, CancellationToken cancellationToken)
    {
        var (_, guest) = await libvirt.FindGuestAsync(guestName, cancellationToken);
        var use = guest.HostDevices.FirstOrDefault(d => d.HostAddress == address)
            ?? throw new UnknownTargetException($"{guest.Name} does not have {address} in either definition.");
        var from = (use.Live is null ? 0 : GuestDefinitions.Live) | (use.Persistent is null ? 0 : GuestDefinitions.Persistent);
        var mode = $"{(use.Persistent is null ? "" : "persistent")}{(use.Live is null ? "" : use.Persistent is null ? "live" : "+live")}, {((use.Persistent ?? use.Live)!.Managed ? "managed" : "unmanaged")}";
        var host = scanner.Scan();
        var device = host.Find(address);
        var journaled = device is null ? [new OperationDevice(address, null, null, null, null)] : Journaled([device]);
        var id = await journal.BeginAsync(actor, OperationAction.DetachFromGuest, address.ToString(), false, journaled, cancellationToken, guest.Name, mode);
        try
        {
            var after = await libvirt.DetachHostDeviceAsync(guest.Name, address, from, cancellationToken);
            var unmanaged = !(use.Persistent ?? use.Live)!.Managed;
            var message = $"Removed {address} from {guest.Name} ({mode})." + (unmanaged
                ? " It was unmanaged, so it stays on vfio-pci: give it back to the host from its page when you want it there."
                : use.Live is not null ? " libvirt gives a managed device back to its host driver once the guest lets go of it." : "");
            await journal.FinishAsync(id, OperationStatus.Succeeded, message, Drivers(device), CancellationToken.None);
            return new GuestResult(null, OperationStatus.Succeeded, message, after, id);
        }
        catch (LibvirtException ex)
        {
            var message = $"libvirt refused to remove {address} from {guest.Name}: {ex.LibvirtMessage}";
            await journal.FinishAsync(id, OperationStatus.Failed, message, Drivers(device), CancellationToken.None);
            return new GuestResult(null, OperationStatus.Failed, message, guest, id);
        }
    }

    private async Task<(OperationStatus, string, Guest?)> AttachAllAsync(GuestPlan plan, CancellationToken cancellationToken)
    {
        var done = new List<PciAddress>();
        Guest? after = null;
        foreach (var device in plan.Devices)
        {
            try
            {
                after = await libvirt.AttachHostDeviceAsync(plan.Guest, new HostDeviceAttachment(device.Address) { Managed = plan.Managed, Live = plan.Live }, cancellationToken);
                done.Add(device.Address);
            }
            catch (LibvirtException ex)
            {
                var undone = await UndoAsync(plan.Guest, done);
                return (done.Count == 0 || undone ? OperationStatus.RolledBack : OperationStatus.Failed,
                    $"libvirt refused {device.Address} for {plan.Guest}: {ex.LibvirtMessage}" +
                    (done.Count == 0 ? " Nothing was changed." : undone ? $" Removed again what was attached before it ({string.Join(", ", done)})." : $" Could not remove again {string.Join(", ", done)}: check the guest's definition."),
                    after);
            }
        }

        var managed = plan.Managed
            ? " Managed: libvirt moves it to vfio-pci when the guest starts and gives it back to its host driver when the guest stops."
            : " Unmanaged: it stays on vfio-pci whether the guest runs or not.";
        return (OperationStatus.Succeeded, $"Attached {plan.Target} to {plan.Guest} ({plan.Mode}).{managed}", after);
    }

    private async Task<bool> UndoAsync(string guest, IReadOnlyList<PciAddress> done)
    {
        var undone = true;
        foreach (var address in done)
        {
            try
            {
                await libvirt.DetachHostDeviceAsync(guest, address, GuestDefinitions.Both, CancellationToken.None);
            }
            catch (LibvirtException)
            {
                undone = false;
            }
        }

        return undone;
    }

    /// <summary>What the journal keeps of each device: with its subsystem ids, so that a start can tell it from another card of its model.</summary>
    private static OperationDevice[] Journaled(IEnumerable<PciDevice> devices)
        => devices.Select(d => new OperationDevice(d.Address, Hex(d.VendorId), Hex(d.DeviceId), d.IommuGroup, d.Driver)
        {
            SubsystemVendorId = Hex(d.SubsystemVendorId),
            SubsystemDeviceId = Hex(d.SubsystemDeviceId),
        }).ToArray();

    private static string? Hex(ushort? id) => id?.ToString("x4", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The device's driver after it left the guest, read from its own driver link: libvirt may have given a
    /// managed device back to its host driver. One device, so no whole scan.
    /// </summary>
    private IReadOnlyDictionary<PciAddress, string?> Drivers(PciDevice? device)
        => device is null ? OperationJournal.NoDevices : new Dictionary<PciAddress, string?> { [device.Address] = scanner.DriverOf(device.Address) };
}
