using Microsoft.AspNetCore.Connections.Features;

namespace Passthru.Web.Hosting;

/// <summary>
/// Answers that hold for a TCP connection's whole life (who opened it, which SSH session carries it), looked up
/// once and shared by every request on it, concurrent ones too.
/// </summary>
public static class PerConnection
{
    /// <summary>The answer kept under <paramref name="key"/> for this request's connection, looked up by <paramref name="lookUp"/> the first time.</summary>
    /// <remarks>The lookup gets no request's cancellation: its answer outlives the request that asked first. Without connection items (a test server), it runs every time.</remarks>
    public static Task<T> GetOrAddAsync<T>(HttpContext context, object key, Func<Task<T>> lookUp)
    {
        if (context.Features.Get<IConnectionItemsFeature>()?.Items is not { } items)
        {
            return lookUp();
        }

        lock (items)
        {
            if (items.TryGetValue(key, out var known) && known is Task<T> lookup)
            {
                return lookup;
            }

            var found = lookUp();
            items[key] = found;
            return found;
        }
    }
}
