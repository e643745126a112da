using Passthru.Core.History;
using Passthru.Core.Interrupts;
using Passthru.Core.Pci;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.History;

public sealed class InterruptHistoryTests : IDisposable
{
    private static readonly PciAddress Sound = PciAddress.Parse("0000:00:1b.0");
    private static readonly PciAddress Nic = PciAddress.Parse("0000:01:00.0");
    private static readonly DateTimeOffset Noon = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly string _path = Scratch.NewPath("passthru-irq-history") + ".db";
    private readonly InterruptHistory _history;

    public InterruptHistoryTests() => _history = new InterruptHistory(new HistoryDatabase(_path), TimeSpan.FromHours(2));

    public void Dispose() => Scratch.DeleteDatabase(_path);

    private static InterruptSample Sample(DateTimeOffset at, double seconds, params (PciAddress Address, ulong Delta)[] devices) => InterruptSample.None with
    {
        At = at,
        Elapsed = TimeSpan.FromSeconds(seconds),
        Devices = devices.ToDictionary(d => d.Address, d => new DeviceInterruptRate(d.Address, 0, d.Delta, d.Delta / seconds, 1)),
    };

    private static InterruptTally Tally(DateTimeOffset at, double seconds, params (PciAddress Address, ulong Delta)[] devices)
        => InterruptTally.Of(Sample(at, seconds, devices));

    [Fact]
    public async Task Append_SamplesInOneMinute_AreSummedIntoOneRate()
    {
        await _history.AppendAsync(Tally(Noon.AddSeconds(20), 20, (Sound, 2000), (Nic, 10)));
        await _history.AppendAsync(Tally(Noon.AddSeconds(50), 30, (Sound, 1000)));
        await _history.AppendAsync(Tally(Noon.AddSeconds(70), 20, (Sound, 200)));

        var minutes = await _history.ReadAsync([Sound], Noon.AddHours(-1));

        Assert.Equal([new InterruptMinute(Sound, Noon, 3000 / 50.0), new InterruptMinute(Sound, Noon.AddMinutes(1), 10)], minutes);
    }

    [Fact]
    public async Task Append_BeyondRetention_DropsOldMinutes()
    {
        await _history.AppendAsync(Tally(Noon, 60, (Sound, 60)));
        await _history.AppendAsync(Tally(Noon.AddHours(3), 60, (Sound, 120)));

        var minutes = await _history.ReadAsync([Sound], Noon.AddDays(-1));

        Assert.Equal([Noon.AddHours(3)], minutes.Select(m => m.Minute));
    }

    [Fact]
    public async Task Append_FirstSampleWithoutRates_WritesNothing()
    {
        await _history.AppendAsync(InterruptTally.Of(Sample(Noon, 0, (Sound, 0)) with { Elapsed = TimeSpan.Zero }));

        Assert.Empty(await _history.ReadAsync([Sound], Noon.AddDays(-1)));
    }

    [Fact]
    public async Task Append_ATallyOfSixtySamplesAcrossAMinuteBoundary_WritesTheirSumOnceInTheMinuteItEnded()
    {
        // Sixty one-second samples from 12:00:30 to 12:01:30: written one by one they would fill two minutes.
        var tally = new InterruptTally();
        for (var second = 31; second <= 90; second++)
        {
            tally.Add(Sample(Noon.AddSeconds(second), 1, (Sound, (ulong)second), (Nic, 1)));
        }

        await _history.AppendAsync(tally);

        var sum = Enumerable.Range(31, 60).Sum();
        Assert.Equal([new InterruptMinute(Sound, Noon.AddMinutes(1), sum / 60.0)], await _history.ReadAsync([Sound], Noon.AddHours(-1)));
        Assert.Equal([new InterruptMinute(Nic, Noon.AddMinutes(1), 1)], await _history.ReadAsync([Nic], Noon.AddHours(-1)));
    }
}
