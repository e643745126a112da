using Passthru.Core.Libvirt;
using Passthru.Core.Libvirt.Native;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Libvirt;

[Collection(LibvirtClientCollection.Name)]
public sealed class LifetimeTests
{
    [Fact]
    public async Task Dispose_StopsTheEventLoopThreadAndEndsSubscriptions()
    {
        var client = new LibvirtClient(LibvirtTestHost.Uri, TimeProvider.System);
        var changes = client.SubscribeToChanges();
        await client.ListGuestsAsync();
        var loop = EventLoop.Thread;
        Assert.NotNull(loop);
        Assert.True(loop.IsAlive);
        var reading = Task.Run(async () =>
        {
            await foreach (var _ in changes.ReadAllAsync())
            {
            }
        });

        await client.DisposeAsync();

        Assert.False(loop.IsAlive);
        Assert.Null(EventLoop.Thread);
        await reading.WaitAsync(TimeSpan.FromSeconds(5)); // the reading loop ended by itself
        Assert.Equal(LibvirtStatus.Disposed, client.Availability.Status);
        var snapshot = await client.ListGuestsAsync();
        Assert.Equal(LibvirtStatus.Disposed, snapshot.Availability.Status);
        await Assert.ThrowsAsync<LibvirtUnavailableException>(() => client.StartGuestAsync("vm-off"));
    }

    [Fact]
    public async Task SecondClient_AfterTheFirstIsDisposed_StartsTheLoopAgainAndGetsEvents()
    {
        await new LibvirtClient(LibvirtTestHost.Uri, TimeProvider.System).DisposeAsync();
        await using var client = new LibvirtClient(LibvirtTestHost.Uri, TimeProvider.System);
        using var changes = client.SubscribeToChanges();

        await client.StartGuestAsync("vm-off");

        await changes.WaitForAsync(c => c.Kind == GuestChangeKind.Started && c.GuestName == "vm-off");
    }

    [Fact]
    public async Task Subscribe_BeforeAnyCall_ConnectsForEventsAndSaysSo()
    {
        await using var client = new LibvirtClient(LibvirtTestHost.Uri, TimeProvider.System);
        Assert.Equal(LibvirtStatus.NotChecked, client.Availability.Status);

        using var changes = client.SubscribeToChanges();

        Assert.True((await changes.WaitForAsync(c => c.Kind == GuestChangeKind.Connected)).AffectsAllGuests);
        Assert.True(client.Availability.IsAvailable);
    }
}
