using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Passthru.Core.Libvirt;

/// <summary>
/// One subscriber's changes, buffered for it alone: a slow page never holds up libvirt's event thread or
/// another page. The buffer is bounded; a subscriber that falls behind gets one
/// <see cref="GuestChangeKind.EventsMissed"/> (re-read everything) instead of an unbounded queue.
/// Registered when created: subscribe first, then read the guests, and nothing falls in between.
/// </summary>
public sealed class GuestChangeSubscription : IDisposable
{
    internal const int Capacity = 256;

    private readonly Channel<GuestChange> _channel = Channel.CreateBounded<GuestChange>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Action<GuestChangeSubscription> _unsubscribe;
    private readonly TimeProvider _timeProvider;
    private int _missed;

    internal GuestChangeSubscription(Action<GuestChangeSubscription> unsubscribe, TimeProvider timeProvider)
    {
        _unsubscribe = unsubscribe;
        _timeProvider = timeProvider;
    }

    /// <summary>
    /// The changes as they come, until the subscription or the client is disposed (then the loop ends)
    /// or <paramref name="cancellationToken"/> fires. One reader per subscription.
    /// </summary>
    public async IAsyncEnumerable<GuestChange> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await _channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (_channel.Reader.TryRead(out var change))
            {
                if (Interlocked.Exchange(ref _missed, 0) == 1)
                {
                    yield return new GuestChange(GuestChangeKind.EventsMissed, null, _timeProvider.GetUtcNow());
                }

                yield return change;
            }
        }
    }

    public void Dispose()
    {
        _channel.Writer.TryComplete();
        _unsubscribe(this);
    }

    /// <summary>Never blocks: called on libvirt's event thread.</summary>
    internal void Write(GuestChange change)
    {
        if (!_channel.Writer.TryWrite(change))
        {
            Interlocked.Exchange(ref _missed, 1);
        }
    }

    internal void Complete() => _channel.Writer.TryComplete();
}
