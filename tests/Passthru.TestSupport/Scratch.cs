namespace Passthru.TestSupport;

/// <summary>
/// Where tests put their trees and databases: /dev/shm (tmpfs) when it is there. Creating the
/// thousands of small files of a sysfs tree on this machine's disk took seconds per copy.
/// </summary>
public static class Scratch
{
    public static string Root { get; } = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();

    /// <summary>A new, unique path under <see cref="Root"/> (not created).</summary>
    public static string NewPath(string prefix) => Path.Combine(Root, $"{prefix}-{Guid.NewGuid():N}");

    /// <summary>Deletes a test's SQLite database with its WAL files, after closing pooled connections to it.</summary>
    public static void DeleteDatabase(string path)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
