using Dapper;
using Microsoft.Data.Sqlite;
using Passthru.Core.History;
using Passthru.Core.Pci;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.History;

/// <summary>The history on a real SQLite file, filled past a small budget: what goes first, what never goes, and that it is journaled.</summary>
public sealed class HistoryBudgetTests : IDisposable
{
    private const long OneMiB = 1024 * 1024;
    private static readonly PciAddress Nic = PciAddress.Parse("0000:00:19.0");

    private readonly string _path = Scratch.NewPath("passthru-budget") + ".db";
    private readonly HistoryDatabase _database;
    private readonly OperationJournal _journal;

    public HistoryBudgetTests()
    {
        _database = new HistoryDatabase(_path);
        _journal = new OperationJournal(_database, TimeProvider.System);
    }

    [Fact]
    public async Task Enforce_WithinBudget_DeletesNothingAndJournalsNothing()
    {
        await AddOperationsAsync(10, "Succeeded");
        var budget = new HistoryBudget(_database, _journal, OneMiB);

        Assert.Null(await budget.EnforceAsync());

        Assert.Equal(10, (await _journal.ListAsync()).Count);
    }

    [Fact]
    public async Task Enforce_OverBudget_DeletesTheOldestInterruptHistoryFirstAndKeepsEveryOperation()
    {
        await AddOperationsAsync(50, "Succeeded");
        await AddInterruptMinutesAsync(60_000);
        var budget = new HistoryBudget(_database, _journal, 2 * OneMiB);
        Assert.True(await budget.UsedBytesAsync() > budget.MaxBytes, "the test's data must exceed the budget");
        var newestMinute = await ScalarAsync<string>("SELECT MAX(minute) FROM interrupt_minutes");

        var pruning = await budget.EnforceAsync();

        Assert.NotNull(pruning);
        Assert.True(pruning.UsedBytesAfter <= budget.LowWaterBytes);
        Assert.Equal((0, 60_000L - pruning.InterruptMinutes), (pruning.Operations, await ScalarAsync<long>("SELECT COUNT(*) FROM interrupt_minutes")));
        Assert.True(pruning.InterruptMinutes > 0);
        // Oldest first: what is left is the newest minutes, all after the last one deleted.
        Assert.Equal(newestMinute, await ScalarAsync<string>("SELECT MAX(minute) FROM interrupt_minutes"));
        Assert.True(string.CompareOrdinal(await ScalarAsync<string>("SELECT MIN(minute) FROM interrupt_minutes"), pruning.InterruptMinutesUpTo) > 0);
        var operations = await _journal.ListAsync(limit: 1000);
        Assert.Equal(51, operations.Count);
        var note = operations[0];
        Assert.Equal((OperationAction.PruneHistory, OperationStatus.Succeeded, HistoryBudget.Pruner.Name), (note.Action, note.Status, note.Actor));
        Assert.Contains($"{pruning.InterruptMinutes} rows of interrupt history up to {pruning.InterruptMinutesUpTo}", note.Message, StringComparison.Ordinal);
        Assert.Contains("Passthru:History:MaxSizeMb", note.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enforce_OperationsOverBudget_DeletesTheOldestFinishedButNeverAPendingOneOrADevicesLastDetach()
    {
        var pending = await _journal.BeginAsync(new Actor("crashed", null), OperationAction.Detach, "group 3", false, [new OperationDevice(Nic, "8086", "15b8", 3, "e1000e")]);
        var detach = await _journal.BeginAsync(new Actor("alice", null), OperationAction.Detach, Nic.ToString(), false, [new OperationDevice(Nic, "8086", "15b8", 3, "e1000e")]);
        await _journal.FinishAsync(detach, OperationStatus.Succeeded, "on vfio-pci", new Dictionary<PciAddress, string?> { [Nic] = "vfio-pci" });
        var fillers = await AddOperationsAsync(1_500, "Refused");
        var budget = new HistoryBudget(_database, _journal, OneMiB);
        Assert.True(await budget.UsedBytesAsync() > budget.MaxBytes, "the test's data must exceed the budget");

        var pruning = await budget.EnforceAsync();

        Assert.NotNull(pruning);
        Assert.True(pruning.UsedBytesAfter <= budget.LowWaterBytes);
        Assert.True(pruning.Operations is > 0 and < 1_500);
        var left = (await _journal.ListAsync(limit: 5000)).Select(r => r.Id).ToHashSet();
        Assert.Contains(pending, left);
        Assert.Contains(detach, left);
        // Oldest first: the fillers left are exactly the newest ones.
        Assert.Equal(fillers.TakeLast(1_500 - pruning.Operations), fillers.Where(left.Contains));
        Assert.Equal(fillers[pruning.Operations - 1], pruning.OperationsUpTo);
        Assert.Equal("e1000e", await _journal.DriverBeforeLastDetachAsync(Nic));
        Assert.Single(await _journal.PendingAsync());
        var note = Assert.Single(await _journal.ListAsync(action: OperationAction.PruneHistory));
        Assert.Contains($"{pruning.Operations} operations up to #{pruning.OperationsUpTo}", note.Message, StringComparison.Ordinal);
        Assert.Equal(0, await ScalarAsync<long>("SELECT COUNT(*) FROM operation_devices WHERE operation_id NOT IN (SELECT id FROM operations)"));
    }

    [Fact]
    public async Task Enforce_FileGrownFarBeyondTheBudget_IsCompactedToIt()
    {
        // As an older Passthru without a budget could leave it: megabytes of interrupt history.
        await AddInterruptMinutesAsync(120_000);
        var before = new FileInfo(_path).Length + (File.Exists(_path + "-wal") ? new FileInfo(_path + "-wal").Length : 0);
        var budget = new HistoryBudget(_database, _journal, OneMiB);
        Assert.True(before > 4 * budget.MaxBytes, $"the test's file must be far beyond the budget ({before} bytes)");

        var pruning = await budget.EnforceAsync();

        Assert.NotNull(pruning);
        Assert.True(pruning.Compacted);
        var after = new FileInfo(_path).Length;
        Assert.True(after <= budget.MaxBytes, $"{after} bytes after compaction");
        Assert.True(!File.Exists(_path + "-wal") || new FileInfo(_path + "-wal").Length <= 4 * OneMiB);
        Assert.Null(await budget.EnforceAsync());
    }

    /// <summary>Finished operations with 3 KB messages, oldest first; their ids.</summary>
    private async Task<long[]> AddOperationsAsync(int count, string status)
    {
        var ids = new List<long>();
        await _database.RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync();
            for (var i = 0; i < count; i++)
            {
                ids.Add(await connection.ExecuteScalarAsync<long>("""
                    INSERT INTO operations (started_at, finished_at, actor, action, target, status, message)
                    VALUES ('2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', 'bob', 'Detach', '0000:00:1b.0', @status, hex(randomblob(1500)))
                    RETURNING id
                    """, new { status }, transaction));
                await connection.ExecuteAsync("INSERT INTO operation_devices (operation_id, address, driver_before) VALUES (@id, '0000:00:1b.0', 'snd_hda_intel')",
                    new { id = ids[^1] }, transaction);
            }

            await transaction.CommitAsync();
            return 0;
        });
        return [.. ids];
    }

    /// <summary>Twenty devices' rows per minute from 2026-01-01 on.</summary>
    private Task AddInterruptMinutesAsync(int rows)
        => _database.RunAsync(connection => connection.ExecuteAsync("""
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < @last)
            INSERT INTO interrupt_minutes (address, minute, count, seconds)
            SELECT printf('0000:%02x:00.0', i % 20), strftime('%Y-%m-%dT%H:%MZ', '2026-01-01', '+' || (i / 20) || ' minutes'), i, 60.0 FROM n
            """, new { last = rows - 1 }));

    private Task<T> ScalarAsync<T>(string sql) => _database.RunAsync(connection => connection.ExecuteScalarAsync<T>(sql))!;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Scratch.DeleteDatabase(_path);
    }
}
