namespace Passthru.Core.Interrupts;

/// <summary>
/// Interrupts between two samples of a row. The kernel's per-CPU counters are unsigned 32-bit and
/// wrap; a count that went down wrapped. A value above 32 bits that went down is not a wrap (the
/// counter was reset): that column then adds nothing rather than a huge or negative number.
/// </summary>
public static class InterruptRates
{
    public static ulong Delta(ReadOnlySpan<ulong> before, ReadOnlySpan<ulong> after)
    {
        var delta = 0UL;
        var columns = Math.Min(before.Length, after.Length);
        for (var i = 0; i < columns; i++)
        {
            var (then, now) = (before[i], after[i]);
            delta += now >= then
                ? now - then
                : then <= uint.MaxValue ? (uint.MaxValue - then) + now + 1 : 0;
        }

        return delta;
    }

    public static double PerSecond(ulong delta, TimeSpan elapsed) => elapsed <= TimeSpan.Zero ? 0 : delta / elapsed.TotalSeconds;
}
