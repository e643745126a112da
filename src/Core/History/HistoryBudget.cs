using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Passthru.Core.History;

/// <summary>What one pass of <see cref="HistoryBudget"/> did; null from a pass that found the database within its budget.</summary>
/// <param name="InterruptMinutesUpTo">The newest minute of interrupt history deleted (ISO 8601), when any was.</param>
/// <param name="OperationsUpTo">The newest operation deleted, when any was.</param>
/// <param name="Compacted">The file was rewritten (VACUUM) to give back free space beyond the budget.</param>
public sealed record HistoryPruning(long UsedBytesBefore, long UsedBytesAfter, int InterruptMinutes, string? InterruptMinutesUpTo,
    int Operations, long? OperationsUpTo, bool Compacted);

/// <summary>
/// Keeps the history database within a size budget, so that no caller, and no number of years, can fill
/// the disk: a full disk would stop the journal, and without a journal Passthru detaches nothing. Over the
/// budget, the oldest interrupt history goes first, then the oldest finished operations, down to three
/// quarters of the budget (so the next writes do not prune again at once); what went is journaled. Never
/// deleted: an operation still pending (it may be running, or be a crash's evidence), the latest
/// successful detach of each device (it names the driver to give the device back to), the device
/// inventory (one row per address) and API tokens. Each batch is its own short transaction, so a
/// detach waiting to journal waits for one batch at most.
/// </summary>
public sealed class HistoryBudget(HistoryDatabase database, OperationJournal journal, long maxBytes)
{
    public static readonly Actor Pruner = new("Passthru (history budget)", null);

    public long MaxBytes => maxBytes;

    /// <summary>Where a pass that prunes stops: a quarter below the budget.</summary>
    public long LowWaterBytes => maxBytes / 4 * 3;

    /// <summary>The bytes the database's content takes: its pages less the free ones (which SQLite reuses before growing the file).</summary>
    public Task<long> UsedBytesAsync(CancellationToken cancellationToken = default)
        => database.RunAsync(UsedBytesAsync, cancellationToken);

    /// <summary>Prunes when over the budget and journals what went; compacts a file holding more free space than the budget.</summary>
    public async Task<HistoryPruning?> EnforceAsync(CancellationToken cancellationToken = default)
    {
        var before = await UsedBytesAsync(cancellationToken);
        var (minutes, minutesUpTo, operations, operationsUpTo) = (0, (string?)null, 0, (long?)null);
        if (before > maxBytes)
        {
            (minutes, minutesUpTo) = await PruneInterruptMinutesAsync(cancellationToken);
            (operations, operationsUpTo) = await PruneOperationsAsync(cancellationToken);
        }

        var compacted = await CompactIfBloatedAsync(cancellationToken);
        if (before <= maxBytes && !compacted)
        {
            return null;
        }

        var pruning = new HistoryPruning(before, await UsedBytesAsync(cancellationToken), minutes, minutesUpTo, operations, operationsUpTo, compacted);
        if (minutes > 0 || operations > 0)
        {
            var id = await journal.BeginAsync(Pruner, OperationAction.PruneHistory, "history", false, [], cancellationToken);
            await journal.FinishAsync(id, OperationStatus.Succeeded, Describe(pruning), OperationJournal.NoDevices, CancellationToken.None);
        }

        return pruning;
    }

    public string Describe(HistoryPruning pruning)
    {
        var deleted = new List<string>();
        if (pruning.InterruptMinutes > 0)
        {
            deleted.Add($"{pruning.InterruptMinutes} rows of interrupt history up to {pruning.InterruptMinutesUpTo}");
        }

        if (pruning.Operations > 0)
        {
            deleted.Add($"{pruning.Operations} operations up to #{pruning.OperationsUpTo}");
        }

        var what = deleted.Count == 0 ? "nothing could be deleted" : "deleted the oldest: " + string.Join(" and ", deleted);
        return string.Create(CultureInfo.InvariantCulture,
            $"The history database held {MiB(pruning.UsedBytesBefore)} MiB, over its budget of {MiB(maxBytes)} MiB (Passthru:History:MaxSizeMb); " +
            $"{what}. It now holds {MiB(pruning.UsedBytesAfter)} MiB.");
    }

    private async Task<(int Rows, string? UpTo)> PruneInterruptMinutesAsync(CancellationToken cancellationToken)
    {
        var (total, upTo) = (0, (string?)null);
        while (true)
        {
            var (deleted, minute, over) = await database.RunAsync(async connection =>
            {
                if (await UsedBytesAsync(connection) <= LowWaterBytes)
                {
                    return (0, (string?)null, false);
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var rows = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM interrupt_minutes", transaction: transaction);
                // Whole minutes, every device's row of each: a chart then starts later, it has no holes.
                var cutoff = await connection.ExecuteScalarAsync<string?>(
                    "SELECT minute FROM interrupt_minutes ORDER BY minute LIMIT 1 OFFSET @skip",
                    new { skip = Math.Clamp(rows / 20, 500, 50_000) - 1 }, transaction)
                    ?? await connection.ExecuteScalarAsync<string?>("SELECT MAX(minute) FROM interrupt_minutes", transaction: transaction);
                var count = cutoff is null ? 0 : await connection.ExecuteAsync("DELETE FROM interrupt_minutes WHERE minute <= @cutoff", new { cutoff }, transaction);
                await transaction.CommitAsync(cancellationToken);
                return (count, cutoff, true);
            }, cancellationToken);
            total += deleted;
            upTo = minute ?? upTo;
            if (!over || deleted == 0)
            {
                return (total, upTo);
            }
        }
    }

    private async Task<(int Rows, long? UpTo)> PruneOperationsAsync(CancellationToken cancellationToken)
    {
        var (total, upTo) = (0, (long?)null);
        while (true)
        {
            var (deleted, newest, over) = await database.RunAsync(async connection =>
            {
                if (await UsedBytesAsync(connection) <= LowWaterBytes)
                {
                    return (0, (long?)null, false);
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var rows = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM operations", transaction: transaction);
                var ids = (await connection.QueryAsync<long>("""
                    SELECT id FROM operations
                    WHERE status <> 'Pending'
                      -- the latest successful detach of each device names the driver to give it back to (DriverBeforeLastDetachAsync)
                      AND id NOT IN (
                          SELECT MAX(o.id) FROM operations o JOIN operation_devices d ON d.operation_id = o.id
                          WHERE o.action = 'Detach' AND o.status = 'Succeeded' AND d.driver_before IS NOT NULL AND d.driver_before NOT LIKE '%vfio%'
                          GROUP BY d.address)
                    ORDER BY id
                    LIMIT @batch
                    """, new { batch = Math.Clamp(rows / 20, 100, 5_000) }, transaction)).ToArray();
                if (ids.Length > 0)
                {
                    await connection.ExecuteAsync("DELETE FROM operation_devices WHERE operation_id IN @ids", new { ids }, transaction);
                    await connection.ExecuteAsync("DELETE FROM operations WHERE id IN @ids", new { ids }, transaction);
                }

                await transaction.CommitAsync(cancellationToken);
                return (ids.Length, ids.Length > 0 ? ids[^1] : (long?)null, true);
            }, cancellationToken);
            total += deleted;
            upTo = newest ?? upTo;
            if (!over || deleted == 0)
            {
                return (total, upTo);
            }
        }
    }

    /// <summary>
    /// Deleted rows leave free pages that SQLite fills before it grows the file, so the file stays near the
    /// budget by itself. A file that grew far beyond it before (an older Passthru had no budget) is rewritten
    /// once; that takes a moment, in which a write waits (busy_timeout), and it happens only then.
    /// </summary>
    private Task<bool> CompactIfBloatedAsync(CancellationToken cancellationToken)
        => database.RunAsync(async connection =>
        {
            var free = await connection.ExecuteScalarAsync<long>("PRAGMA freelist_count") * await PageSizeAsync(connection);
            if (free <= maxBytes)
            {
                return false;
            }

            await connection.ExecuteAsync("VACUUM");
            // The rewrite went through the WAL: fold it back and cut the WAL file down.
            await connection.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE)");
            return true;
        }, cancellationToken);

    private static async Task<long> UsedBytesAsync(SqliteConnection connection)
        => (await connection.ExecuteScalarAsync<long>("PRAGMA page_count") - await connection.ExecuteScalarAsync<long>("PRAGMA freelist_count"))
            * await PageSizeAsync(connection);

    private static Task<long> PageSizeAsync(SqliteConnection connection) => connection.ExecuteScalarAsync<long>("PRAGMA page_size");

    private static string MiB(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture);
}
