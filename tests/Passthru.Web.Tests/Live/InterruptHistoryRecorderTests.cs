using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Passthru.Core.History;
using Passthru.Core.Interrupts;
using Passthru.Core.Pci;
using Passthru.TestSupport;
using Passthru.Web.Configuration;
using Passthru.Web.Live;

namespace Passthru.Web.Tests.Live;

/// <summary>The recorder fed one-second samples as the producer takes them while someone watches, writing to a scratch database.</summary>
public sealed class InterruptHistoryRecorderTests : IAsyncLifetime
{
    private static readonly PciAddress Sound = PciAddress.Parse("0000:00:1b.0");
    private static readonly PciAddress Nic = PciAddress.Parse("0000:01:00.0");
    private static readonly DateTimeOffset Noon = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly string _path = Scratch.NewPath("passthru-recorder") + ".db";
    private readonly InterruptHistory _history;

    public InterruptHistoryRecorderTests() => _history = new InterruptHistory(new HistoryDatabase(_path), TimeSpan.FromDays(1));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Scratch.DeleteDatabase(_path);
        return Task.CompletedTask;
    }

    private InterruptHistoryRecorder Recorder(int seconds)
        => new(_history, Options.Create(new PassthruOptions { InterruptHistorySeconds = seconds }), NullLogger<InterruptHistoryRecorder>.Instance);

    /// <summary>The sample read <paramref name="second"/> seconds after noon, one second after the one before; the card raised <paramref name="second"/> interrupts in it.</summary>
    private static InterruptSample Sample(int second) => InterruptSample.None with
    {
        At = Noon.AddSeconds(second),
        Elapsed = TimeSpan.FromSeconds(1),
        Devices = new Dictionary<PciAddress, DeviceInterruptRate>
        {
            [Sound] = new(Sound, 0, (ulong)second, second, 1),
            [Nic] = new(Nic, 0, 1, 1, 1),
        },
    };

    private static double Sum(int from, int to) => Enumerable.Range(from, to - from + 1).Sum();

    private Task<IReadOnlyList<InterruptMinute>> StoredAsync() => _history.ReadAsync([Sound], Noon.AddHours(-1));

    [Fact]
    public async Task Add_TwoPeriodsOfSamples_WritesEachPeriodsSumOnce_InTheMinuteItEnded()
    {
        using var recorder = Recorder(60);
        await recorder.StartAsync(CancellationToken.None);

        // 12:00:31 to 12:01:30: written a sample at a time, they would fill two minutes, 12:00 and 12:01.
        for (var second = 31; second <= 90; second++)
        {
            recorder.Add(Sample(second));
        }

        await TimeDriving.WaitUntilAsync(async () => (await StoredAsync()).Count > 0, "the first period written");
        Assert.Equal([new InterruptMinute(Sound, Noon.AddMinutes(1), Sum(31, 90) / 60)], await StoredAsync());

        for (var second = 91; second <= 150; second++)
        {
            recorder.Add(Sample(second));
        }

        await TimeDriving.WaitUntilAsync(async () => (await StoredAsync()).Count > 1, "the second period written");
        await recorder.StopAsync(CancellationToken.None);
        Assert.Equal([new InterruptMinute(Sound, Noon.AddMinutes(1), Sum(31, 90) / 60), new InterruptMinute(Sound, Noon.AddMinutes(2), Sum(91, 150) / 60)],
            await StoredAsync());
        Assert.Equal([1.0, 1.0], (await _history.ReadAsync([Nic], Noon.AddHours(-1))).Select(m => m.PerSecond));
    }

    [Fact]
    public async Task Add_WithTheHistoryOff_WritesNothing()
    {
        using var recorder = Recorder(0);
        await recorder.StartAsync(CancellationToken.None);

        for (var second = 1; second <= 120; second++)
        {
            recorder.Add(Sample(second));
        }

        await recorder.ExecuteTask!; // the writer runs only with the history on
        Assert.Null(recorder.Period);
        Assert.Empty(await StoredAsync());
    }
}
