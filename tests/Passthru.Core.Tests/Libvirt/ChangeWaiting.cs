using Passthru.Core.Libvirt;

namespace Passthru.Core.Tests.Libvirt;

internal static class ChangeWaiting
{
    /// <summary>The first change matching <paramref name="match"/>, or a failure listing what did arrive.</summary>
    public static async Task<GuestChange> WaitForAsync(this GuestChangeSubscription subscription, Func<GuestChange, bool> match, TimeSpan? timeout = null)
    {
        var seen = new List<GuestChange>();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            await foreach (var change in subscription.ReadAllAsync(cancel.Token))
            {
                if (match(change))
                {
                    return change;
                }

                seen.Add(change);
            }
        }
        catch (OperationCanceledException)
        {
        }

        throw new Xunit.Sdk.XunitException($"The change did not arrive; seen: {string.Join(", ", seen.Select(c => $"{c.Kind} {c.GuestName} {c.Detail}"))}");
    }
}
