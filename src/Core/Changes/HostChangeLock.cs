namespace Passthru.Core.Changes;

/// <summary>
/// The lock file that keeps two Passthru processes from changing the host at once. Taking it is an
/// exclusive flock (FileShare.None on Linux), released by the kernel if the holder dies, so a crash
/// never leaves it held. The holder says what it is doing in a file beside it (LOCK.what) for the
/// others' dry runs: the locked file itself cannot be read by another open file while it is held.
/// </summary>
internal sealed class HostChangeLock : IDisposable
{
    private readonly FileStream _file;
    private readonly string _what;

    private HostChangeLock(FileStream file, string what) => (_file, _what) = (file, what);

    /// <summary>Waits until no other process holds the lock, then holds it and says what it does.</summary>
    public static async Task<HostChangeLock> TakeAsync(string path, string description, TimeSpan retry, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryOpenExclusive(path) is { } file)
            {
                await File.WriteAllTextAsync(What(path), description, CancellationToken.None);
                return new HostChangeLock(file, What(path));
            }

            await Task.Delay(retry, cancellationToken);
        }
    }

    /// <summary>What another process is changing now, or null when nobody holds the lock.</summary>
    public static string? HeldElsewhere(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        if (TryOpenExclusive(path) is { } free)
        {
            free.Dispose();
            return null;
        }

        try
        {
            // Empty for the moment between the holder's lock and its note.
            var what = File.ReadAllText(What(path)).Trim();
            return what.Length > 0 ? $"{what}, by another Passthru process" : "a change by another Passthru process";
        }
        catch (IOException)
        {
            return "a change by another Passthru process";
        }
    }

    public void Dispose()
    {
        File.Delete(_what);
        _file.Dispose();
    }

    private static string What(string path) => path + ".what";

    private static FileStream? TryOpenExclusive(string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
