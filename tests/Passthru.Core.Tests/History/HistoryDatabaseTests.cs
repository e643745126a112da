using Dapper;
using Microsoft.Data.Sqlite;
using Passthru.Core.History;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.History;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class HistoryDatabaseTests : IDisposable
{
    private readonly string _directory = Scratch.NewPath("passthru-db");

    private string DatabasePath => Path.Combine(_directory, "state", "passthru.db");

    [Fact]
    public async Task Open_NewFile_CreatesWalDatabaseWithMigrationsRecorded()
    {
        var database = new HistoryDatabase(DatabasePath);

        await using var connection = await database.OpenAsync();

        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        var steps = (await connection.QueryAsync<(long Version, string Name)>("SELECT version, name FROM schema_migrations ORDER BY version")).ToArray();
        Assert.Equal([(1L, "operation journal and device inventory"), (2L, "interrupt history per minute"), (3L, "guest operations"), (4L, "logins: remote address per operation, API tokens"),
            (5L, "what a forced change overrode"), (6L, "boot checks"), (7L, "subsystem ids per device")], steps);
    }

    [Fact]
    public async Task Open_DatabaseFromVersion1_AddsTheLaterStepsAndKeepsItsRows()
    {
        await using (var created = await new HistoryDatabase(DatabasePath).OpenAsync())
        {
            // Back to what Passthru with schema 1 left: its tables and rows, no interrupt history.
            await created.ExecuteAsync("""
                DROP TABLE interrupt_minutes;
                ALTER TABLE operations DROP COLUMN guest;
                ALTER TABLE operations DROP COLUMN mode;
                ALTER TABLE operations DROP COLUMN remote_address;
                ALTER TABLE operations DROP COLUMN overridden;
                ALTER TABLE operations DROP COLUMN plan_fingerprint;
                ALTER TABLE operation_devices DROP COLUMN subsystem_vendor_id;
                ALTER TABLE operation_devices DROP COLUMN subsystem_device_id;
                DROP TABLE api_tokens;
                DROP TABLE boot_checks;
                DELETE FROM schema_migrations WHERE version > 1;
                """);
            await created.ExecuteAsync("INSERT INTO inventory (address, ids, first_seen, last_seen) VALUES ('0000:00:1b.0', 'x', 'a', 'b')");
        }

        await using var connection = await new HistoryDatabase(DatabasePath).OpenAsync();

        Assert.Equal(7, await connection.ExecuteScalarAsync<long>("SELECT MAX(version) FROM schema_migrations"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM operations WHERE guest IS NOT NULL OR remote_address IS NOT NULL OR overridden IS NOT NULL"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM api_tokens"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inventory"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM interrupt_minutes"));
    }

    [Fact]
    public async Task Open_Twice_AppliesEachStepOnce()
    {
        await (await new HistoryDatabase(DatabasePath).OpenAsync()).DisposeAsync();
        await using var connection = await new HistoryDatabase(DatabasePath).OpenAsync();
        Assert.Equal(7, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Open_DamagedFile_SaysDamagedAndWhatToDo()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await File.WriteAllTextAsync(DatabasePath, "this is not a database, it was overwritten by accident ... ".PadRight(4096, 'x'));

        var ex = await Assert.ThrowsAsync<HistoryUnavailableException>(() => new HistoryDatabase(DatabasePath).OpenAsync());

        Assert.Contains("damaged", ex.Message, StringComparison.Ordinal);
        Assert.Contains(DatabasePath, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_WhileAnotherProcessHoldsTheLock_SaysLocked()
    {
        var database = new HistoryDatabase(DatabasePath);
        var journal = new OperationJournal(database, TimeProvider.System);
        await (await database.OpenAsync()).DisposeAsync();
        await using var holder = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await holder.OpenAsync();
        await holder.ExecuteAsync("BEGIN EXCLUSIVE");

        var ex = await Assert.ThrowsAsync<HistoryUnavailableException>(() =>
            journal.BeginAsync(new Actor("test", null), OperationAction.Detach, "0000:00:1b.0", false, []));

        Assert.Contains("locked", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_DatabaseFromNewerVersion_IsRefused()
    {
        var database = new HistoryDatabase(DatabasePath);
        await using (var connection = await database.OpenAsync())
        {
            await connection.ExecuteAsync("INSERT INTO schema_migrations VALUES (99, 'from the future', '2030-01-01')");
        }

        var ex = await Assert.ThrowsAsync<HistoryUnavailableException>(() => new HistoryDatabase(DatabasePath).OpenAsync());
        Assert.Contains("schema version 99", ex.Message, StringComparison.Ordinal);
    }

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task Open_NewFile_IsReadableByItsOwnerAloneAndSoAreItsWalAndShm()
    {
        // What the process's umask makes of a new file here (022 in the tests: group and others may read it).
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        var plain = Path.Combine(_directory, "state", "plain");
        await File.WriteAllTextAsync(plain, "");
        Assert.True((File.GetUnixFileMode(plain) & ~OwnerOnly) != 0, "the test needs a umask that lets others read new files");

        var database = new HistoryDatabase(DatabasePath);
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("INSERT INTO inventory (address, ids, first_seen, last_seen) VALUES ('0000:00:1b.0', 'x', 'a', 'b')");

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(DatabasePath));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(DatabasePath + "-wal"));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(DatabasePath + "-shm"));
    }

    [Fact]
    public async Task Open_FileOthersCanRead_IsNarrowedToItsOwner()
    {
        await (await new HistoryDatabase(DatabasePath).OpenAsync()).DisposeAsync();
        File.SetUnixFileMode(DatabasePath, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using var connection = await new HistoryDatabase(DatabasePath).OpenAsync();

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(DatabasePath));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
