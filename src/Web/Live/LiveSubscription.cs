using System.Threading.Channels;

namespace Passthru.Web.Live;

/// <summary>A subscription to <see cref="LiveHost"/>; disposing it stops the delivery (and, for the last one, the sampling).</summary>
public sealed class LiveSubscription(ChannelReader<LiveState> reader, Action unsubscribe) : IDisposable
{
    private int _disposed;

    public ChannelReader<LiveState> Reader => reader;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            unsubscribe();
        }
    }
}
