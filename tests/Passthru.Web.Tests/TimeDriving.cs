using Microsoft.Extensions.Time.Testing;

namespace Passthru.Web.Tests;

/// <summary>
/// Waiting for the code under test, which runs on other threads: for a condition to hold, moving a fake
/// clock on step by step where time is what it waits for. Each check gives the other threads a moment
/// (real time); the limit is generous, for a loaded machine, and only a failing test reaches it.
/// </summary>
internal static class TimeDriving
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Moment = TimeSpan.FromMilliseconds(10);

    public static Task WaitUntilAsync(Func<bool> done, string what) => WaitUntilAsync(() => Task.FromResult(done()), what);

    public static async Task WaitUntilAsync(Func<Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Never happened: {what}.");
            await Task.Delay(Moment);
        }
    }

    /// <summary>Advances <paramref name="time"/> by <paramref name="step"/> until <paramref name="done"/>; returns how many steps it took.</summary>
    public static Task<int> AdvanceUntilAsync(this FakeTimeProvider time, TimeSpan step, Func<bool> done, string what)
        => time.AdvanceUntilAsync(step, () => Task.FromResult(done()), what);

    public static async Task<int> AdvanceUntilAsync(this FakeTimeProvider time, TimeSpan step, Func<Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow + Limit;
        var steps = 0;
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Never happened: {what} ({steps} steps of {step}).");
            time.Advance(step);
            steps++;
            await Task.Delay(Moment);
        }

        return steps;
    }
}
