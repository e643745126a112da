using Passthru.Core.History;
using Passthru.Core.Libvirt;

namespace Passthru.Core.Guests;

/// <summary>
/// Start, shut down and force off, journaled like every other change: a guest's start is when
/// libvirt takes its managed devices from the host, so who started it belongs in the history.
/// </summary>
public sealed class GuestPower(ILibvirtClient libvirt, OperationJournal journal)
{
    /// <exception cref="LibvirtException">libvirt refused or cannot be reached; the history has the failure.</exception>
    public async Task RunAsync(string guest, OperationAction action, Actor actor, CancellationToken cancellationToken = default)
    {
        Func<Task> call = action switch
        {
            OperationAction.StartGuest => () => libvirt.StartGuestAsync(guest, cancellationToken),
            OperationAction.ShutdownGuest => () => libvirt.ShutdownGuestAsync(guest, cancellationToken),
            OperationAction.ForceOffGuest => () => libvirt.DestroyGuestAsync(guest, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, "not a power action"),
        };

        var id = await journal.BeginAsync(actor, action, guest, forced: false, [], cancellationToken, guest);
        try
        {
            await call();
        }
        catch (LibvirtException ex)
        {
            await journal.FinishAsync(id, OperationStatus.Failed, ex.Message, OperationJournal.NoDevices, CancellationToken.None);
            throw;
        }

        await journal.FinishAsync(id, OperationStatus.Succeeded, action == OperationAction.ShutdownGuest ? "asked to shut down (ACPI)" : null,
            OperationJournal.NoDevices, CancellationToken.None);
    }
}
