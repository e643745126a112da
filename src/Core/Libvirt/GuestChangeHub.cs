namespace Passthru.Core.Libvirt;

/// <summary>Hands each change to every subscription. Copy-on-write list: publishing (on libvirt's event thread) takes no lock.</summary>
internal sealed class GuestChangeHub(TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private GuestChangeSubscription[] _subscriptions = [];
    private bool _completed;

    /// <summary>Raised after a subscription is added (outside the lock): the connection uses it to start connecting for events.</summary>
    public event Action? Subscribed;

    public bool HasSubscribers => Volatile.Read(ref _subscriptions).Length > 0;

    public GuestChangeSubscription Subscribe()
    {
        var subscription = new GuestChangeSubscription(Unsubscribe, timeProvider);
        lock (_gate)
        {
            if (_completed)
            {
                subscription.Complete();
                return subscription;
            }

            _subscriptions = [.. _subscriptions, subscription];
        }

        Subscribed?.Invoke();
        return subscription;
    }

    public void Publish(GuestChange change)
    {
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            subscription.Write(change);
        }
    }

    /// <summary>Ends every subscription's reading loop; later subscriptions end at once.</summary>
    public void Complete()
    {
        GuestChangeSubscription[] subscriptions;
        lock (_gate)
        {
            _completed = true;
            subscriptions = _subscriptions;
            _subscriptions = [];
        }

        foreach (var subscription in subscriptions)
        {
            subscription.Complete();
        }
    }

    private void Unsubscribe(GuestChangeSubscription subscription)
    {
        lock (_gate)
        {
            _subscriptions = _subscriptions.Where(s => s != subscription).ToArray();
        }
    }
}
