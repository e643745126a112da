using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Passthru.Core.Libvirt;
using Passthru.TestSupport;
using Passthru.Web.Live;

namespace Passthru.Web.Tests.Live;

/// <summary>The guest watcher on libvirt's test driver (tests/fixtures/libvirt/host.xml), on a fake clock.</summary>
public sealed class GuestWatcherTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly LibvirtClient _client;
    private readonly SyntheticFailingLibvirt _libvirt;

    public GuestWatcherTests()
    {
        _client = new LibvirtClient(LibvirtTestHost.Uri, _time);
        _libvirt = new SyntheticFailingLibvirt(_client);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _client.DisposeAsync().AsTask();

    [Fact]
    public async Task WatchAsync_AReadFails_SaysWhy_ThenReadsTheGuestsAfterAPause()
    {
        var watcher = new GuestWatcher(_libvirt, _time, NullLogger<GuestWatcher>.Instance);
        var changes = 0;
        _libvirt.FailNextList("SYNTHETIC libvirt failure");
        using var stop = new CancellationTokenSource();

        var watching = watcher.WatchAsync(() => Interlocked.Increment(ref changes), stop.Token);
        await TimeDriving.WaitUntilAsync(() => watcher.Problem is not null, "the failure noticed");

        Assert.Equal("SYNTHETIC libvirt failure", watcher.Problem);
        Assert.Equal((null, 0), watcher.Latest);
        Assert.Equal(1, Volatile.Read(ref changes)); // the producer is told, so the pages say so soon

        await _time.AdvanceUntilAsync(TimeSpan.FromMilliseconds(250), () => watcher.Latest.Guests is not null, "the guests read after the pause");
        await stop.CancelAsync();
        await watching;

        Assert.Null(watcher.Problem);
        Assert.True(watcher.Latest.Version >= 1);
        Assert.Contains(watcher.Latest.Guests!.Guests, g => g.Name == "vm-running");
    }
}
