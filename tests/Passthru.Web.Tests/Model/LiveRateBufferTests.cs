using Passthru.Core.Interrupts;
using Passthru.Core.Pci;
using Passthru.Web.Model;

namespace Passthru.Web.Tests.Model;

public class LiveRateBufferTests
{
    private static readonly PciAddress Sound = PciAddress.Parse("0000:00:1b.0");
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static InterruptSample Sample(int second, double rate) => InterruptSample.None with
    {
        At = Start.AddSeconds(second),
        Elapsed = TimeSpan.FromSeconds(1),
        Devices = new Dictionary<PciAddress, DeviceInterruptRate> { [Sound] = new(Sound, 0, (ulong)rate, rate, 1) },
    };

    [Fact]
    public void PointsOf_FewSamples_OnePointEachMinutesAgo()
    {
        var buffer = new LiveRateBuffer();
        buffer.Add(Sample(0, 10));
        buffer.Add(Sample(30, 20));

        var points = buffer.PointsOf(Sound, Start.AddSeconds(60));

        Assert.Equal([new RatePoint(-1, 10), new RatePoint(-0.5, 20)], points);
    }

    [Fact]
    public void PointsOf_AnHourOfSamples_KeepsTenMinutesAveragedToTheLineLimit()
    {
        var buffer = new LiveRateBuffer();
        for (var second = 0; second < 3600; second++)
        {
            buffer.Add(Sample(second, second % 2 == 0 ? 100 : 0));
        }

        var points = buffer.PointsOf(Sound, Start.AddSeconds(3599));

        Assert.Equal(LiveRateBuffer.MaxPointsPerLine, points.Length);
        Assert.All(points, p => Assert.Equal(50, p.PerSecond));
        Assert.InRange(points[0].Ago, -10, -9.5);
        Assert.Equal(0, points[^1].Ago);
    }

    [Fact]
    public void Add_FirstSampleWithoutRates_AddsNothing()
    {
        var buffer = new LiveRateBuffer();
        buffer.Add(Sample(0, 10) with { Elapsed = TimeSpan.Zero });

        Assert.Empty(buffer.PointsOf(Sound, Start));
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
}
