using Microsoft.Extensions.Time.Testing;
using Passthru.Web.Hosting;

namespace Passthru.Web.Tests.Hosting;

public sealed class LogBudgetTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void TryTake_AFloodOfOneKind_WritesThePerMinuteShareThenCountsTheRestForTheNextMinutesFirstLine()
    {
        var budget = new LogBudget(_time);

        var written = Enumerable.Range(0, 10_000).Count(_ => budget.TryTake("refusal", out _));
        _time.Advance(TimeSpan.FromMinutes(1));
        var next = budget.TryTake("refusal", out var unlogged);

        Assert.Equal(LogBudget.PerMinute, written);
        Assert.True(next);
        Assert.Equal(10_000 - LogBudget.PerMinute, unlogged);
        Assert.True(budget.TryTake("refusal", out var afterwards));
        Assert.Equal(0, afterwards);
    }

    [Fact]
    public void TryTake_OneKindsFlood_LeavesAnotherKindsShareAlone()
    {
        var budget = new LogBudget(_time);
        for (var i = 0; i < 1000; i++)
        {
            budget.TryTake("refusal", out _);
        }

        Assert.True(budget.TryTake("login", out var unlogged));
        Assert.Equal(0, unlogged);
    }
}
