using Passthru.Core.Libvirt;

namespace Passthru.Core.Tests.Libvirt;

public sealed class GuestChangeSubscriptionTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;

    [Fact]
    public async Task Publish_ToTwoSubscriptions_EachGetsEveryChangeInOrder()
    {
        var hub = new GuestChangeHub(TimeProvider.System);
        using var first = hub.Subscribe();
        using var second = hub.Subscribe();

        hub.Publish(new GuestChange(GuestChangeKind.Started, "a", At));
        hub.Publish(new GuestChange(GuestChangeKind.Stopped, "a", At));
        hub.Complete();

        Assert.Equal([GuestChangeKind.Started, GuestChangeKind.Stopped], await Kinds(first));
        Assert.Equal([GuestChangeKind.Started, GuestChangeKind.Stopped], await Kinds(second));
    }

    [Fact]
    public async Task Publish_MoreThanASubscriberHolds_DropsTheRestAndSaysChangesWereMissed()
    {
        var hub = new GuestChangeHub(TimeProvider.System);
        using var slow = hub.Subscribe();

        for (var i = 0; i < GuestChangeSubscription.Capacity + 10; i++)
        {
            hub.Publish(new GuestChange(GuestChangeKind.Defined, "a", At));
        }

        hub.Complete();
        var kinds = await Kinds(slow);

        Assert.Equal(GuestChangeKind.EventsMissed, kinds[0]);
        Assert.Equal(GuestChangeSubscription.Capacity, kinds.Count(k => k == GuestChangeKind.Defined));
    }

    [Fact]
    public async Task Dispose_Subscription_StopsDeliveryToItOnly()
    {
        var hub = new GuestChangeHub(TimeProvider.System);
        var gone = hub.Subscribe();
        using var staying = hub.Subscribe();

        gone.Dispose();
        hub.Publish(new GuestChange(GuestChangeKind.Started, "a", At));
        hub.Complete();

        Assert.Empty(await Kinds(gone));
        Assert.Equal([GuestChangeKind.Started], await Kinds(staying));
    }

    [Theory]
    [InlineData(0, 1, GuestChangeKind.Defined, "updated")]
    [InlineData(2, 0, GuestChangeKind.Started, "booted")]
    [InlineData(5, 1, GuestChangeKind.Stopped, "destroyed")]
    [InlineData(6, 1, GuestChangeKind.ShutDown, "by the guest")]
    [InlineData(8, 0, GuestChangeKind.Crashed, "panicked")]
    [InlineData(5, 99, GuestChangeKind.Stopped, null)]
    [InlineData(42, 0, GuestChangeKind.Other, "lifecycle event 42")]
    public void LifecycleEvent_NumbersFromLibvirt_BecomeKindAndDetail(int type, int detail, GuestChangeKind kind, string? text)
    {
        var change = LifecycleEvents.ToChange(type, detail, "vm", At);

        Assert.Equal((kind, "vm", text), (change.Kind, change.GuestName, change.Detail));
    }

    private static async Task<List<GuestChangeKind>> Kinds(GuestChangeSubscription subscription)
    {
        var kinds = new List<GuestChangeKind>();
        await foreach (var change in subscription.ReadAllAsync())
        {
            kinds.Add(change.Kind);
        }

        return kinds;
    }
}
