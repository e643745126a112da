using Passthru.Core.Host;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;

namespace Passthru.Core.History;

/// <summary>
/// After a crash or kill, for every kind of change: an operation the journal still shows as pending
/// is compared with the devices' drivers now, and finished as interrupted with what was found.
/// </summary>
public sealed class OperationRecovery(OperationJournal journal, HostRoot root)
{
    /// <summary>
    /// At start-up: operations the journal still shows as pending were cut off by a crash or kill.
    /// Compares each with the devices' real drivers now, and records what was found.
    /// </summary>
    public async Task<IReadOnlyList<OperationRecord>> RecoverAsync(CancellationToken cancellationToken = default)
    {
        var pending = await journal.PendingAsync(cancellationToken);
        foreach (var operation in pending)
        {
            var now = operation.Devices.ToDictionary(d => d.Address, d => PciDeviceReader.DriverOf(root, d.Address));
            var found = string.Join("; ", operation.Devices.Select(d =>
                $"{d.Address} on {now[d.Address] ?? "no driver"} (was {d.DriverBefore ?? "no driver"})"));
            if (operation.Guest is { } guest)
            {
                await journal.FinishAsync(operation.Id, OperationStatus.Interrupted,
                    $"Passthru stopped during this change of guest {guest}, started {operation.StartedAt:u}. Found at restart: {found}. " +
                    $"Check the guest's definitions (virsh dumpxml {guest}, and with --inactive) before starting it.",
                    now, cancellationToken);
                continue;
            }

            if (operation.Devices.Count == 0)
            {
                // A token made or revoked: nothing on the host to compare with.
                await journal.FinishAsync(operation.Id, OperationStatus.Interrupted,
                    $"Passthru stopped during this {operation.Action} of {operation.Target}, started {operation.StartedAt:u}; it may or may not have taken effect.",
                    now, cancellationToken);
                continue;
            }

            var expected = operation.Action == OperationAction.Detach ? "vfio-pci" : "its host driver";
            var complete = operation.Devices.All(d => operation.Action == OperationAction.Detach
                ? now[d.Address] is { } driver && VfioDrivers.IsVfio(driver)
                : now[d.Address] is not { } driverAfter || !VfioDrivers.IsVfio(driverAfter));
            await journal.FinishAsync(operation.Id, OperationStatus.Interrupted,
                $"Passthru stopped during this {operation.Action.ToString().ToLowerInvariant()}, started {operation.StartedAt:u}. " +
                $"Found at restart: {found}. {(complete ? $"Every device is on {expected}." : $"Not every device is on {expected}: check them before use.")}",
                now, cancellationToken);
        }

        return pending;
    }
}
