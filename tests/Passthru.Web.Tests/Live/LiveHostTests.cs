using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Passthru.Core.History;
using Passthru.TestSupport;
using Passthru.Web.Live;

namespace Passthru.Web.Tests.Live;

/// <summary>
/// The live producer and the history recorder as the app runs them, on a fake clock, over a writable copy
/// of a captured tree whose sound card the tests make count (a FIXTURE ROOT: no kernel is involved).
/// </summary>
public sealed class LiveHostTests : IAsyncLifetime
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private readonly string _tree = CapturedTrees.Copy("intel-initial");
    private readonly string _database = Scratch.NewPath("passthru-live") + ".db";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services;

    public LiveHostTests()
    {
        var services = new ServiceCollection().AddTestHost(_tree, _database);
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<SyntheticSamplers>();
        services.AddSingleton<IInterruptSamplerFactory>(sp => sp.GetRequiredService<SyntheticSamplers>());
        _services = services.BuildServiceProvider();
    }

    private LiveHost Live => _services.GetRequiredService<LiveHost>();

    private InterruptHistoryRecorder Recorder => _services.GetRequiredService<InterruptHistoryRecorder>();

    private SyntheticSamplers Samplers => _services.GetRequiredService<SyntheticSamplers>();

    public async Task InitializeAsync()
    {
        SoundCardCounts.Write(_tree, 1000);
        await Recorder.StartAsync(CancellationToken.None);
        await Live.StartAsync(CancellationToken.None);
        await TimeDriving.WaitUntilAsync(() => Live.Current.Host is not null, "the producer's first sample");
    }

    public async Task DisposeAsync()
    {
        await Live.StopAsync(CancellationToken.None);
        await Recorder.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
        Scratch.DeleteDatabase(_database);
        Directory.Delete(_tree, recursive: true);
    }

    /// <summary>What the history holds for the sound card: interrupts and rows (minutes).</summary>
    private Task<(long Count, long Rows)> StoredAsync()
        => _services.GetRequiredService<HistoryDatabase>().RunAsync(connection => connection.QuerySingleAsync<(long, long)>(
            "SELECT COALESCE(SUM(count), 0), COUNT(*) FROM interrupt_minutes WHERE address = @address",
            new { address = SoundCardCounts.Address.ToString() }));

    [Fact]
    public async Task NobodyWatching_SamplesOncePerHistoryPeriod_AndTheHistoryGetsWhatTheCardRaised()
    {
        var samplesBefore = Samplers.Samples;
        SoundCardCounts.Write(_tree, 1600);

        var seconds = await _time.AdvanceUntilAsync(Second, async () => (await StoredAsync()).Rows > 0, "a period stored while nobody watched");

        Assert.Equal(0, Live.SubscriberCount);
        Assert.Equal(600, (await StoredAsync()).Count);
        // One sample a minute, not one a second: a minute after the first read, and one more each minute the write took.
        Assert.InRange(Samplers.Samples - samplesBefore, 1, seconds / 60);
    }

    [Fact]
    public async Task WatchedThenLeft_TheHistoryGetsEverySampleOfBoth_OnceEach()
    {
        using (var subscription = Live.Subscribe())
        {
            var latest = await subscription.Reader.ReadAsync();
            for (ulong second = 1; second <= 30; second++)
            {
                SoundCardCounts.Write(_tree, 1000 + (10 * second));
                var due = _time.GetUtcNow() + Second;
                await _time.AdvanceUntilAsync(Second, () =>
                {
                    while (subscription.Reader.TryRead(out var state))
                    {
                        latest = state;
                    }

                    return latest.Interrupts.At >= due;
                }, $"the sample of second {second}");
            }
        }

        // Counted after the last page left: the producer's next samples, while nobody watches, take it in.
        SoundCardCounts.Write(_tree, 1500);
        await _time.AdvanceUntilAsync(Second, async () => (await StoredAsync()).Rows > 0, "the period stored");

        Assert.Equal(500, (await StoredAsync()).Count);
    }
}
