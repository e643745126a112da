using System.Globalization;
using Dapper;
using Passthru.Core.Pci;

namespace Passthru.Core.History;

/// <summary>A card that is not what this address held before: a known way to pass the wrong device to a guest.</summary>
public sealed record ChangedDevice(PciAddress Address, string PreviousIds, string CurrentIds, DateTimeOffset ChangedAt);

/// <summary>
/// First and last seen per address with its IDs, so that a different card at an address (after
/// adding a card renumbers the buses) is noticed and shown. Writes only what changed, and refreshes
/// "last seen" at most every <see cref="LastSeenInterval"/>: scans run every second, the disk need not.
/// </summary>
public sealed class DeviceInventory(HistoryDatabase database, TimeProvider timeProvider)
{
    public static readonly TimeSpan LastSeenInterval = TimeSpan.FromMinutes(10);

    private readonly Dictionary<PciAddress, string> _recorded = [];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DateTimeOffset _lastSeenWritten = DateTimeOffset.MinValue;

    /// <summary>The changed cards as of the last write; only a write can change them, so a scan with nothing new reads no disk.</summary>
    private IReadOnlyList<ChangedDevice> _changed = [];

    public static string IdsOf(PciDevice device)
        => string.Create(CultureInfo.InvariantCulture,
            $"{device.VendorId:x4}:{device.DeviceId:x4} {device.SubsystemVendorId:x4}:{device.SubsystemDeviceId:x4} {device.ClassCode:x6}");

    /// <summary>Records what a scan saw; returns the addresses whose card changed since it was first seen there.</summary>
    public async Task<IReadOnlyList<ChangedDevice>> RecordAsync(IReadOnlyList<PciDevice> devices, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = timeProvider.GetUtcNow();
            var current = devices.Where(d => d.VendorId is not null).ToDictionary(d => d.Address, IdsOf);
            var refreshLastSeen = now - _lastSeenWritten >= LastSeenInterval;
            var changed = current.Where(c => !_recorded.TryGetValue(c.Key, out var ids) || ids != c.Value).ToArray();
            if (changed.Length > 0 || refreshLastSeen)
            {
                await database.RunAsync(async connection =>
                {
                    await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                    var stamp = now.ToString("O", CultureInfo.InvariantCulture);
                    foreach (var (address, ids) in refreshLastSeen ? current.ToArray() : changed)
                    {
                        // A new address is inserted; a known one with other IDs keeps what it held before, and when it changed.
                        await connection.ExecuteAsync("""
                            INSERT INTO inventory (address, ids, first_seen, last_seen) VALUES (@address, @ids, @stamp, @stamp)
                            ON CONFLICT (address) DO UPDATE SET
                                previous_ids = CASE WHEN inventory.ids <> excluded.ids THEN inventory.ids ELSE inventory.previous_ids END,
                                changed_at   = CASE WHEN inventory.ids <> excluded.ids THEN excluded.last_seen ELSE inventory.changed_at END,
                                ids          = excluded.ids,
                                last_seen    = excluded.last_seen
                            """, new { address = address.ToString(), ids, stamp }, transaction);
                    }

                    await transaction.CommitAsync(cancellationToken);
                    return 0;
                }, cancellationToken);
                foreach (var (address, ids) in current)
                {
                    _recorded[address] = ids;
                }

                if (refreshLastSeen)
                {
                    _lastSeenWritten = now;
                }

                _changed = await ChangedAsync(cancellationToken);
            }

            return _changed;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IReadOnlyList<ChangedDevice>> ChangedAsync(CancellationToken cancellationToken = default)
        => await database.RunAsync(async connection => (IReadOnlyList<ChangedDevice>)(await connection.QueryAsync<(string Address, string PreviousIds, string Ids, string ChangedAt)>(
                "SELECT address, previous_ids, ids, changed_at FROM inventory WHERE previous_ids IS NOT NULL ORDER BY address"))
            .Select(r => new ChangedDevice(PciAddress.Parse(r.Address), r.PreviousIds, r.Ids, DateTimeOffset.Parse(r.ChangedAt, CultureInfo.InvariantCulture)))
            .ToArray(), cancellationToken);
}
