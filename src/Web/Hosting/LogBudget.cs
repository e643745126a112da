namespace Passthru.Web.Hosting;

/// <summary>
/// Log lines that anyone can cause (refused requests, failed logins) are written at most <see cref="PerMinute"/>
/// a minute of each kind; the rest are counted, and the count is given with the next line written. A caller
/// looping on refused requests then costs the log a few kilobytes a minute, not megabytes a second.
/// </summary>
public sealed class LogBudget(TimeProvider time)
{
    public const int PerMinute = 60;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>Whether a line of this kind may be written now.</summary>
    /// <param name="unlogged">When it may: how many lines of this kind were left out since the last one written.</param>
    public bool TryTake(string kind, out int unlogged)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_windows.TryGetValue(kind, out var window) || now - window.Start >= TimeSpan.FromMinutes(1))
            {
                window = new Window(now, 0, window?.Unlogged ?? 0);
            }

            if (window.Written >= PerMinute)
            {
                _windows[kind] = window with { Unlogged = window.Unlogged + 1 };
                unlogged = 0;
                return false;
            }

            unlogged = window.Unlogged;
            _windows[kind] = new Window(window.Start, window.Written + 1, 0);
            return true;
        }
    }

    private sealed record Window(DateTimeOffset Start, int Written, int Unlogged);
}
