using System.Threading.Channels;

namespace Passthru.Web.Live;

/// <summary>
/// Who follows the live state: pages, hub clients and API calls, each with its own channel that holds
/// only the latest state, so a slow reader merges bursts instead of queueing them. Keeps the latest
/// state published and tells the producer when the first subscriber comes.
/// </summary>
public sealed class LiveSubscribers
{
    private readonly Lock _gate = new();
    private readonly List<Channel<LiveState>> _channels = [];
    private TaskCompletionSource _watched = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LiveState _latest = LiveState.Initial;

    public LiveState Latest => Volatile.Read(ref _latest);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _channels.Count;
            }
        }
    }

    /// <summary>Starts delivering states to a new subscriber; dispose the subscription to stop.</summary>
    public LiveSubscription Subscribe()
    {
        var channel = Channel.CreateBounded<LiveState>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_gate)
        {
            _channels.Add(channel);
            if ((_latest.Host is not null && _channels.Count > 1) || _latest.StoppedBecause is not null)
            {
                // Others watch, so the producer samples and the latest state is fresh; with no one watching
                // before, it may be old, and the producer sends a fresh one as it wakes. That updates have
                // stopped is said at once: the producer sends nothing until it starts again.
                channel.Writer.TryWrite(_latest);
            }

            if (_channels.Count == 1)
            {
                _watched.TrySetResult();
            }
        }

        return new LiveSubscription(channel.Reader, () => Unsubscribe(channel));
    }

    /// <summary>Completes once someone subscribes (at once if someone does now).</summary>
    public Task WhenWatchedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _watched.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Makes <paramref name="state"/> the latest and hands it to every subscriber.</summary>
    public void Publish(LiveState state)
    {
        lock (_gate)
        {
            Volatile.Write(ref _latest, state);
            foreach (var channel in _channels)
            {
                channel.Writer.TryWrite(state);
            }
        }
    }

    private void Unsubscribe(Channel<LiveState> channel)
    {
        lock (_gate)
        {
            _channels.Remove(channel);
            channel.Writer.TryComplete();
            if (_channels.Count == 0)
            {
                _watched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }
}
