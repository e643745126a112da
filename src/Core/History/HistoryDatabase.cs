using Dapper;
using Microsoft.Data.Sqlite;

namespace Passthru.Core.History;

/// <summary>
/// The SQLite file that holds the operation journal and the device inventory. Created on first
/// use, in WAL mode, and brought up to date by <see cref="Migrations"/>. Every failure to open or
/// write it becomes a <see cref="HistoryUnavailableException"/> with a plain reason.
/// </summary>
public sealed class HistoryDatabase
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _connectionString;
    private readonly SemaphoreSlim _migrated = new(1, 1);
    private bool _isMigrated;
    private bool _isPrivate;

    public HistoryDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            // Seconds Microsoft.Data.Sqlite keeps retrying a busy database; with busy_timeout below, a lock held elsewhere fails in about 3 s.
            DefaultTimeout = 3,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>An open connection with the pragmas every connection needs, on a migrated schema.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            var directory = System.IO.Path.GetDirectoryName(Path);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            KeepPrivate();
            await connection.OpenAsync(cancellationToken);
            // busy_timeout: wait for another writer instead of failing at once; foreign keys are off by default in SQLite.
            // journal_size_limit: after a checkpoint the WAL file is cut back to 4 MiB, whatever one large transaction grew it to.
            await connection.ExecuteAsync("PRAGMA busy_timeout = 3000; PRAGMA foreign_keys = ON; PRAGMA journal_size_limit = 4194304;");
            await EnsureMigratedAsync(connection, cancellationToken);
            return connection;
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            await connection.DisposeAsync();
            throw Explain(ex);
        }
    }

    /// <summary>Runs a database action, turning SQLite's errors into a plain <see cref="HistoryUnavailableException"/>.</summary>
    public async Task<T> RunAsync<T>(Func<SqliteConnection, Task<T>> action, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        try
        {
            return await action(connection);
        }
        catch (SqliteException ex)
        {
            throw Explain(ex);
        }
    }

    /// <summary>
    /// The file holds who did what from where, and the token hashes: readable by its owner alone, whatever
    /// the umask of the process that first made it. Made 0600 before SQLite opens it (SQLite gives the -wal and
    /// -shm files the database file's mode), and a file or companion from an older Passthru is narrowed once.
    /// </summary>
    private void KeepPrivate()
    {
        if (_isPrivate || OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            using (File.Open(Path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly }))
            {
            }
        }
        catch (IOException) when (File.Exists(Path))
        {
            // There already: narrowed below.
        }

        foreach (var file in new[] { Path, Path + "-wal", Path + "-shm", Path + "-journal" })
        {
            try
            {
                if (File.Exists(file) && (File.GetUnixFileMode(file) & ~OwnerOnly) != 0)
                {
                    File.SetUnixFileMode(file, OwnerOnly);
                }
            }
            catch (UnauthorizedAccessException)
            {
                // Another user's file (a read by someone else than its owner): theirs to narrow; opening it is what counts.
            }
        }

        _isPrivate = true;
    }

    private async Task EnsureMigratedAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        if (_isMigrated)
        {
            return;
        }

        await _migrated.WaitAsync(cancellationToken);
        try
        {
            if (!_isMigrated)
            {
                // WAL: readers (the pages) never block the writer (an operation being journaled). Persistent in the file.
                await connection.ExecuteAsync("PRAGMA journal_mode = WAL;");
                await Migrations.ApplyAsync(connection);
                _isMigrated = true;
            }
        }
        finally
        {
            _migrated.Release();
        }
    }

    private HistoryUnavailableException Explain(Exception ex) => ex switch
    {
        SqliteException { SqliteErrorCode: 5 or 6 } => new($"The history database {Path} is locked by another process; try again, or stop the other Passthru.", ex),
        SqliteException { SqliteErrorCode: 11 or 26 } => new($"The history database {Path} is damaged or not a SQLite file ({ex.Message}). Move it aside; a new one is made at the next start.", ex),
        SqliteException { SqliteErrorCode: 8 or 14 } => new($"The history database {Path} cannot be written ({ex.Message}): check the directory exists and is writable.", ex),
        SqliteException sqlite => new($"The history database {Path} failed: {sqlite.Message}", ex),
        _ => new($"The history database {Path} cannot be opened: {ex.Message}", ex),
    };
}
