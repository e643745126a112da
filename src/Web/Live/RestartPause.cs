namespace Passthru.Web.Live;

/// <summary>
/// How long a failed live loop waits before it starts again: a second after the first failure, twice as
/// long after each further one in a row, at most <see cref="Longest"/>; back to a second once the loop
/// works. A loop that fails each time it starts then costs little, and one that failed once is back at once.
/// </summary>
public sealed class RestartPause
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(30);

    private TimeSpan _next = First;

    /// <summary>The pause before this start; the next one is longer, unless <see cref="Reset"/> comes first.</summary>
    public TimeSpan Next()
    {
        var pause = _next;
        _next = _next * 2 < Longest ? _next * 2 : Longest;
        return pause;
    }

    /// <summary>The loop works again: a later failure pauses a second first.</summary>
    public void Reset() => _next = First;
}
