using Passthru.Core.History;
using Passthru.Core.Interrupts;
using Passthru.Core.Pci;
using Passthru.Web.Model;

namespace Passthru.Web.Tests.Model;

public class LiveRateBufferTests
{
    private static readonly PciAddress Sound = PciAddress.Parse("0000:00:1b.0");
    private static readonly PciAddress Nic = PciAddress.Parse("0000:01:00.0");
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static InterruptSample Sample(int second, double rate) => InterruptSample.None with
    {
        At = Start.AddSeconds(second),
        Elapsed = TimeSpan.FromSeconds(1),
        Devices = new Dictionary<PciAddress, DeviceInterruptRate> { [Sound] = new(Sound, 0, (ulong)rate, rate, 1) },
    };

    [Fact]
    public void Chart_FewSamples_FallInTheirTwentySecondBucketsAndLeaveTheRestEmpty()
    {
        var buffer = new LiveRateBuffer();
        buffer.Add(Sample(0, 10));
        buffer.Add(Sample(30, 20));

        var chart = buffer.Chart([Sound], Start.AddSeconds(60));

        var line = Assert.Single(chart.Series).PerSecond;
        Assert.Equal(31, line.Count);
        Assert.Equal(10, line[27]);
        Assert.Equal(20, line[29]);
        Assert.Equal(2, line.Count(v => v is not null));
        Assert.Equal(["-10 min", "-8 min", "-6 min", "-4 min", "-2 min", "now"], chart.Labels.Where((_, i) => i % chart.LabelInterval == 0));
    }

    [Fact]
    public void Chart_AnHourOfSamples_KeepsTenMinutesAveragedIntoBuckets()
    {
        var buffer = new LiveRateBuffer();
        for (var second = 0; second < 3600; second++)
        {
            buffer.Add(Sample(second, second % 2 == 0 ? 100 : 0));
        }

        var chart = buffer.Chart([Sound], Start.AddSeconds(3599));

        var line = Assert.Single(chart.Series).PerSecond;
        Assert.All(line.Skip(1), value => Assert.Equal(50, value));
    }

    [Fact]
    public void Chart_DeviceWithoutReadings_HasAnEmptyLineOnTheSameAxis()
    {
        var buffer = new LiveRateBuffer();
        buffer.Add(Sample(0, 10));

        var chart = buffer.Chart([Sound, Nic], Start.AddSeconds(5));

        Assert.Equal(2, chart.Series.Count);
        Assert.All(chart.Series[1].PerSecond, value => Assert.Null(value));
        Assert.Equal(chart.Labels.Count, chart.Series[1].PerSecond.Count);
    }

    [Fact]
    public void Add_FirstSampleWithoutRates_AddsNothing()
    {
        var buffer = new LiveRateBuffer();
        buffer.Add(Sample(0, 10) with { Elapsed = TimeSpan.Zero });

        Assert.All(buffer.Chart([Sound], Start).Series[0].PerSecond, value => Assert.Null(value));
    }

    [Fact]
    public void Samples_CountsOnlyThoseWithRates()
    {
        var buffer = new LiveRateBuffer();

        buffer.Add(InterruptSample.None); // a page's first read: no rate yet
        buffer.Add(Sample(1, 5));
        buffer.Add(Sample(2, 6));

        Assert.Equal(2, buffer.Samples);
    }

    [Fact]
    public void FromHistory_AWeekOfMinutes_AveragesIntoTwoHourBucketsEndingNow()
    {
        var now = Start.AddDays(7);
        var minutes = Enumerable.Range(1, 7 * 24 * 60).Select(m => new InterruptMinute(Sound, now.AddMinutes(-m), m % 2 == 0 ? 30 : 10)).ToArray();

        var chart = RateChart.FromHistory(ChartRange.Week, [Sound], minutes, now);

        // The oldest bucket starts a week ago; the newest holds only the minute before now.
        var line = chart.Series[0].PerSecond;
        Assert.Equal(85, line.Count);
        Assert.All(line.Skip(1).SkipLast(1), value => Assert.Equal(20, value));
        Assert.Equal(["-7 d", "-6 d", "-5 d", "-4 d", "-3 d", "-2 d", "-1 d", "now"], chart.Labels.Where((_, i) => i % chart.LabelInterval == 0));
    }
}
