namespace Passthru.Core.Interrupts;

/// <summary>
/// Interrupts per second between two samples of a row. The kernel's per-CPU counters are unsigned
/// 32-bit and wrap; a count that went down wrapped (or the row was replaced by another of the same
/// number: then the rate restarts from zero rather than going negative).
/// </summary>
public static class InterruptRates
{
    public static ulong Delta(IReadOnlyList<ulong?> before, IReadOnlyList<ulong?> after)
    {
        var delta = 0UL;
        for (var i = 0; i < after.Count; i++)
        {
            if (after[i] is not { } now || i >= before.Count || before[i] is not { } then)
            {
                continue;
            }

            delta += now >= then
                ? now - then
                : then <= uint.MaxValue && now <= uint.MaxValue ? (uint.MaxValue - then) + now + 1 : 0;
        }

        return delta;
    }

    public static double PerSecond(IReadOnlyList<ulong?> before, IReadOnlyList<ulong?> after, TimeSpan elapsed)
        => elapsed <= TimeSpan.Zero ? 0 : Delta(before, after) / elapsed.TotalSeconds;
}
