using System.Globalization;
using Dapper;
using Passthru.Core.Changes;
using Passthru.Core.Host;
using Passthru.Core.Pci;
using Passthru.Core.Safety;

namespace Passthru.Core.History;

/// <summary>
/// The write-ahead record of every operation: the intent is written before the first write to
/// sysfs, the outcome after. An operation still pending at start-up was cut off by a crash or kill.
/// </summary>
public sealed class OperationJournal(HistoryDatabase database, TimeProvider timeProvider)
{
    /// <summary>The drivers-after of an operation that touches no device (a guest's power, a token).</summary>
    public static readonly IReadOnlyDictionary<PciAddress, string?> NoDevices = new Dictionary<PciAddress, string?>();

    /// <summary>
    /// What a row keeps of a name (an actor, a target, a guest): its texts may come from a caller, and
    /// the history keeps them cleaned and capped, never a caller's megabytes or line breaks.
    /// </summary>
    public const int MaxNameLength = 256;

    /// <summary>What a row keeps of a message or an overridden refusal; a message may quote libvirt or a caller.</summary>
    public const int MaxMessageLength = 4096;

    /// <param name="overrode">For a forced change: the refusals it overrode, and its plan's fingerprint.</param>
    public async Task<long> BeginAsync(Actor actor, OperationAction action, string target, bool forced,
        IReadOnlyList<OperationDevice> devices, CancellationToken cancellationToken = default, string? guest = null, string? mode = null,
        PlanOverride? overrode = null)
        => await database.RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var id = await connection.ExecuteScalarAsync<long>("""
                INSERT INTO operations (started_at, actor, remote_address, action, target, forced, status, guest, mode, overridden, plan_fingerprint)
                VALUES (@startedAt, @actor, @remoteAddress, @action, @target, @forced, 'Pending', @guest, @mode, @overridden, @planFingerprint)
                RETURNING id
                """,
                new
                {
                    startedAt = Now(), actor = PrintableText.Of(actor.Name, MaxNameLength), remoteAddress = PrintableText.OrNull(actor.Address, MaxNameLength),
                    action = action.ToString(), target = PrintableText.Of(target, MaxNameLength), forced,
                    guest = PrintableText.OrNull(guest, MaxNameLength), mode = PrintableText.OrNull(mode, MaxNameLength),
                    overridden = overrode is null ? null : string.Join('\n', overrode.Refusals.Select(r => PrintableText.Of(r, MaxMessageLength))),
                    planFingerprint = PrintableText.OrNull(overrode?.Fingerprint, MaxNameLength),
                }, transaction);
            foreach (var device in devices)
            {
                await connection.ExecuteAsync("""
                    INSERT INTO operation_devices (operation_id, address, vendor_id, device_id, subsystem_vendor_id, subsystem_device_id, iommu_group, driver_before)
                    VALUES (@id, @address, @vendorId, @deviceId, @subsystemVendorId, @subsystemDeviceId, @group, @driverBefore)
                    """,
                    // Microsoft.Data.Sqlite matches parameter names case-sensitively: name each as the SQL spells it.
                    new
                    {
                        id, address = device.Address.ToString(), vendorId = device.VendorId, deviceId = device.DeviceId,
                        subsystemVendorId = device.SubsystemVendorId, subsystemDeviceId = device.SubsystemDeviceId, group = device.Group, driverBefore = device.DriverBefore,
                    },
                    transaction);
            }

            await transaction.CommitAsync(cancellationToken);
            return id;
        }, cancellationToken);

    /// <summary>Writes the outcome, with each device's driver as found afterwards.</summary>
    public async Task FinishAsync(long id, OperationStatus status, string? message, IReadOnlyDictionary<PciAddress, string?> driversAfter,
        CancellationToken cancellationToken = default)
        => await database.RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(
                "UPDATE operations SET finished_at = @finishedAt, status = @status, message = @message WHERE id = @id",
                new { id, finishedAt = Now(), status = status.ToString(), message = PrintableText.OrNull(message, MaxMessageLength) }, transaction);
            foreach (var (address, driver) in driversAfter)
            {
                await connection.ExecuteAsync(
                    "UPDATE operation_devices SET driver_after = @driver WHERE operation_id = @id AND address = @address",
                    new { id, address = address.ToString(), driver }, transaction);
            }

            await transaction.CommitAsync(cancellationToken);
            return 0;
        }, cancellationToken);

    /// <summary>A refused request: journaled too (who asked for what, and why not), with nothing written to sysfs.</summary>
    public async Task RecordRefusalAsync(Actor actor, OperationAction action, string target, IReadOnlyList<OperationDevice> devices, string reason,
        CancellationToken cancellationToken = default, string? guest = null, string? mode = null)
    {
        var id = await BeginAsync(actor, action, target, forced: false, devices, cancellationToken, guest, mode);
        await FinishAsync(id, OperationStatus.Refused, reason, devices.ToDictionary(d => d.Address, d => d.DriverBefore), cancellationToken);
    }

    /// <summary>The newest operations first, optionally only those touching one device, of one action or with one status.</summary>
    /// <param name="before">Only operations with a smaller id: the next page after one that ended with that id.</param>
    public Task<IReadOnlyList<OperationRecord>> ListAsync(PciAddress? device = null, OperationAction? action = null,
        OperationStatus? status = null, int limit = 500, long? before = null, CancellationToken cancellationToken = default)
        => QueryAsync(device, action, status, null, before, limit, cancellationToken);

    /// <summary>One operation, however old (a dialog links to the entry it just wrote); null when there is none with that id.</summary>
    public async Task<OperationRecord?> FindAsync(long id, CancellationToken cancellationToken = default)
        => (await QueryAsync(null, null, null, id, null, 1, cancellationToken)).SingleOrDefault();

    private async Task<IReadOnlyList<OperationRecord>> QueryAsync(PciAddress? device, OperationAction? action, OperationStatus? status, long? id,
        long? before, int limit, CancellationToken cancellationToken)
        => await database.RunAsync(async connection =>
        {
            var rows = (await connection.QueryAsync<OperationRow>("""
                SELECT id, started_at AS StartedAt, finished_at AS FinishedAt, actor, remote_address AS RemoteAddress, action, target, forced, status, message, guest, mode,
                       overridden, plan_fingerprint AS PlanFingerprint
                FROM operations
                WHERE (@id IS NULL OR id = @id)
                  AND (@before IS NULL OR id < @before)
                  AND (@action IS NULL OR action = @action)
                  AND (@status IS NULL OR status = @status)
                  -- by device: any operation that listed it
                  AND (@device IS NULL OR id IN (SELECT operation_id FROM operation_devices WHERE address = @device))
                ORDER BY id DESC
                LIMIT @limit
                """,
                new { id, before, device = device?.ToString(), action = action?.ToString(), status = status?.ToString(), limit })).ToList();
            var devices = (await connection.QueryAsync<DeviceRow>("""
                SELECT operation_id AS OperationId, address, vendor_id AS VendorId, device_id AS DeviceId, iommu_group AS IommuGroup,
                       driver_before AS DriverBefore, driver_after AS DriverAfter,
                       subsystem_vendor_id AS SubsystemVendorId, subsystem_device_id AS SubsystemDeviceId
                FROM operation_devices WHERE operation_id IN @ids ORDER BY address
                """, new { ids = rows.Select(r => r.Id).ToArray() })).ToLookup(d => d.OperationId);
            return (IReadOnlyList<OperationRecord>)rows.Select(r => r.ToRecord(devices[r.Id])).ToArray();
        }, cancellationToken);

    /// <summary>
    /// The refusals a person overrode when these devices were given to <paramref name="guest"/>: for each device,
    /// its latest successful attach to that guest (unless a removal from it came after). A guest's start need not
    /// ask again for what was confirmed then.
    /// </summary>
    public async Task<IReadOnlySet<string>> OverriddenAtAttachAsync(string guest, IEnumerable<PciAddress> devices, CancellationToken cancellationToken = default)
    {
        var confirmed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var device in devices)
        {
            var latest = (await ListAsync(device, cancellationToken: cancellationToken)).FirstOrDefault(r =>
                r.Guest == guest && r.Status == OperationStatus.Succeeded && r.Action is OperationAction.AttachToGuest or OperationAction.DetachFromGuest);
            if (latest is { Action: OperationAction.AttachToGuest, Overrode: { } overrode })
            {
                confirmed.UnionWith(overrode.Refusals);
            }
        }

        return confirmed;
    }

    /// <summary>
    /// The card Passthru gave <paramref name="guest"/> at <paramref name="address"/>, and when: the device of the
    /// latest successful attach of that address to that guest, unless a successful removal from it came after.
    /// Null when Passthru never gave it (a hostdev added by hand, or before Passthru).
    /// </summary>
    public async Task<(OperationDevice Device, DateTimeOffset GivenAt)?> LastGivenAsync(string guest, PciAddress address, CancellationToken cancellationToken = default)
    {
        var row = await database.RunAsync(connection => connection.QuerySingleOrDefaultAsync<GivenRow>("""
            SELECT o.action, o.started_at AS StartedAt, d.operation_id AS OperationId, d.address, d.vendor_id AS VendorId, d.device_id AS DeviceId,
                   d.iommu_group AS IommuGroup, d.driver_before AS DriverBefore, d.driver_after AS DriverAfter,
                   d.subsystem_vendor_id AS SubsystemVendorId, d.subsystem_device_id AS SubsystemDeviceId
            FROM operation_devices d JOIN operations o ON o.id = d.operation_id
            WHERE d.address = @address AND o.guest = @guest AND o.status = 'Succeeded' AND o.action IN ('AttachToGuest', 'DetachFromGuest')
            ORDER BY o.id DESC LIMIT 1
            """,
            // The journal keeps a guest's name cleaned and capped: look it up the same way.
            new { address = address.ToString(), guest = PrintableText.Of(guest, MaxNameLength) }), cancellationToken);
        return row is { Action: nameof(OperationAction.AttachToGuest) }
            ? (row.Device.ToDevice(), DateTimeOffset.Parse(row.StartedAt, CultureInfo.InvariantCulture))
            : null;
    }

    /// <summary>Operations with no outcome: cut off by a crash or a kill.</summary>
    public Task<IReadOnlyList<OperationRecord>> PendingAsync(CancellationToken cancellationToken = default)
        => ListAsync(status: OperationStatus.Pending, cancellationToken: cancellationToken);

    /// <summary>The host driver a device had before its last successful detach: the driver to give it back to.</summary>
    public async Task<string?> DriverBeforeLastDetachAsync(PciAddress address, CancellationToken cancellationToken = default)
        => await database.RunAsync(connection => connection.ExecuteScalarAsync<string?>("""
            SELECT d.driver_before FROM operation_devices d JOIN operations o ON o.id = d.operation_id
            WHERE d.address = @address AND o.action = 'Detach' AND o.status = 'Succeeded' AND d.driver_before IS NOT NULL
              AND d.driver_before NOT LIKE '%vfio%'
            ORDER BY o.id DESC LIMIT 1
            """, new { address = address.ToString() }), cancellationToken);

    private sealed record GivenRow(string Action, string StartedAt, long OperationId, string Address, string? VendorId, string? DeviceId, long? IommuGroup,
        string? DriverBefore, string? DriverAfter, string? SubsystemVendorId, string? SubsystemDeviceId)
    {
        public DeviceRow Device => new(OperationId, Address, VendorId, DeviceId, IommuGroup, DriverBefore, DriverAfter, SubsystemVendorId, SubsystemDeviceId);
    }

    private string Now() => timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);

    private sealed record OperationRow(long Id, string StartedAt, string? FinishedAt, string Actor, string? RemoteAddress, string Action, string Target, long Forced, string Status, string? Message,
        string? Guest, string? Mode, string? Overridden, string? PlanFingerprint)
    {
        public OperationRecord ToRecord(IEnumerable<DeviceRow> devices) => new(
            Id, DateTimeOffset.Parse(StartedAt, CultureInfo.InvariantCulture),
            FinishedAt is null ? null : DateTimeOffset.Parse(FinishedAt, CultureInfo.InvariantCulture),
            Actor, Enum.Parse<OperationAction>(Action), Target, Forced != 0, Enum.Parse<OperationStatus>(Status), Message,
            devices.Select(d => d.ToDevice()).ToArray(),
            Guest, Mode, RemoteAddress,
            Overridden is null ? null : new PlanOverride(Overridden.Split('\n'), PlanFingerprint ?? ""));
    }

    private sealed record DeviceRow(long OperationId, string Address, string? VendorId, string? DeviceId, long? IommuGroup, string? DriverBefore, string? DriverAfter,
        string? SubsystemVendorId, string? SubsystemDeviceId)
    {
        public OperationDevice ToDevice() => new(PciAddress.Parse(Address), VendorId, DeviceId, (int?)IommuGroup, DriverBefore, DriverAfter)
        {
            SubsystemVendorId = SubsystemVendorId,
            SubsystemDeviceId = SubsystemDeviceId,
        };
    }
}
