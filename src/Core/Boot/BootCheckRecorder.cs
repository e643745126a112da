using System.Globalization;
using Dapper;
using Passthru.Core.History;
using Passthru.Core.Host;

namespace Passthru.Core.Boot;

/// <summary>
/// Writes what the kernel did with the claims to the history, once per boot: the first start after a boot (the service,
/// or a command) records it, every later one finds the boot already checked.
/// </summary>
public sealed class BootCheckRecorder(HistoryDatabase database, OperationJournal journal, HostRoot hostRoot, TimeProvider time)
{
    public static readonly Actor Checker = new("boot check", null);

    /// <summary>This boot's id, or null when the host root has none (a captured tree without it).</summary>
    public string? BootId()
    {
        var path = hostRoot.Resolve("proc/sys/kernel/random/boot_id");
        try
        {
            var id = File.Exists(path) ? File.ReadAllText(path).Trim() : null;
            return id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiHexDigit(c) || c == '-') ? id : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Records the findings unless this boot was recorded already; the operation's id when one was written now.</summary>
    public async Task<long?> RecordOnceAsync(IReadOnlyList<ClaimStatus> statuses, CancellationToken cancellationToken = default)
    {
        if (statuses.Count == 0)
        {
            return null;
        }

        var boot = BootId() ?? "unknown";
        var first = await database.RunAsync(async connection => await connection.ExecuteAsync(
            "INSERT OR IGNORE INTO boot_checks (boot_id, checked_at) VALUES (@boot, @now)",
            new { boot, now = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture) }) == 1, cancellationToken);
        if (!first)
        {
            return null;
        }

        var wrong = statuses.Where(s => !s.IsAsIntended).ToArray();
        var devices = statuses.Select(s => new OperationDevice(s.Address, ClaimedCard.Hex(s.Claim.Card.VendorId), ClaimedCard.Hex(s.Claim.Card.DeviceId), s.Group, null)).ToArray();
        var id = await journal.BeginAsync(Checker, OperationAction.BootCheck, $"boot {boot}", false, devices, cancellationToken);
        var applied = statuses.Where(s => s.State == ClaimState.Applied).Select(s => s.Address).ToArray();
        var pending = statuses.Where(s => s.State == ClaimState.Pending).Select(s => s.Address).ToArray();
        var message = wrong.Length > 0 ? string.Join(" ", wrong.Select(s => $"{s.Address}: {s.Message}"))
            : pending.Length == 0 ? $"All {statuses.Count} claims applied: {string.Join(", ", applied)} on vfio-pci as intended."
            : $"{applied.Length} of {statuses.Count} claims applied; {string.Join(", ", pending)} claimed during this boot, for the next.";
        await journal.FinishAsync(id, wrong.Length == 0 ? OperationStatus.Succeeded : OperationStatus.Failed, message,
            statuses.ToDictionary(s => s.Address, s => s.Driver), cancellationToken);
        await database.RunAsync(connection => connection.ExecuteAsync("UPDATE boot_checks SET operation_id = @id WHERE boot_id = @boot", new { id, boot }), cancellationToken);
        return id;
    }
}
