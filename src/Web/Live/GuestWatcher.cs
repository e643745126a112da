using Passthru.Core.Libvirt;

namespace Passthru.Web.Live;

/// <summary>
/// Follows libvirt's guests while someone watches: reads them, then reads them afresh whenever libvirt
/// reports a change (or Passthru made one: qemu sends no event for a persistent-only change). Re-reading
/// the guests, rather than patching them from the event, keeps them exactly as libvirt has them.
/// </summary>
public sealed partial class GuestWatcher(ILibvirtClient libvirt, ILogger<GuestWatcher> logger)
{
    private Reading _latest = new(null, 0);

    /// <summary>The guests as last read (null until read), and a version that goes up with each read; one consistent pair.</summary>
    public (GuestsSnapshot? Guests, long Version) Latest
    {
        get
        {
            var reading = Volatile.Read(ref _latest);
            return (reading.Guests, reading.Version);
        }
    }

    /// <summary>Follows the guests until cancelled.</summary>
    /// <param name="onRead">Called after each read, so that the producer sends it soon.</param>
    public async Task WatchAsync(Action onRead, CancellationToken cancellationToken)
    {
        try
        {
            using var changes = libvirt.SubscribeToChanges();
            await ReadAsync(onRead, cancellationToken);
            await foreach (var _ in changes.ReadAllAsync(cancellationToken))
            {
                await ReadAsync(onRead, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Guests are one part of the live view: the interrupts and devices go on without them.
            LogFailed(logger, ex);
        }
    }

    private async Task ReadAsync(Action onRead, CancellationToken cancellationToken)
    {
        var guests = await libvirt.ListGuestsAsync(cancellationToken);
        Volatile.Write(ref _latest, new Reading(guests, _latest.Version + 1));
        onRead();
    }

    private sealed record Reading(GuestsSnapshot? Guests, long Version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Following libvirt's guests failed; the live view goes on without them.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
