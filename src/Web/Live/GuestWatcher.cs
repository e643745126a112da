using Passthru.Core.Libvirt;

namespace Passthru.Web.Live;

/// <summary>
/// Follows libvirt's guests while someone watches: reads them, then reads them afresh whenever libvirt
/// reports a change (or Passthru made one: qemu sends no event for a persistent-only change). Re-reading
/// the guests, rather than patching them from the event, keeps them exactly as libvirt has them. After a
/// failure it says why (<see cref="Problem"/>) and starts again after a <see cref="RestartPause"/>.
/// </summary>
public sealed partial class GuestWatcher(ILibvirtClient libvirt, TimeProvider timeProvider, ILogger<GuestWatcher> logger)
{
    private Reading _latest = new(null, 0);
    private volatile string? _problem;

    /// <summary>The guests as last read (null until read), and a version that goes up with each read; one consistent pair.</summary>
    public (GuestsSnapshot? Guests, long Version) Latest
    {
        get
        {
            var reading = Volatile.Read(ref _latest);
            return (reading.Guests, reading.Version);
        }
    }

    /// <summary>Why following the guests failed, until a read works again; null while it works.</summary>
    public string? Problem => _problem;

    /// <summary>Follows the guests until cancelled.</summary>
    /// <param name="onChange">Called after each read and failure, so that the producer sends it soon.</param>
    public async Task WatchAsync(Action onChange, CancellationToken cancellationToken)
    {
        var pause = new RestartPause();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var changes = libvirt.SubscribeToChanges();
                await ReadAsync(onChange, cancellationToken);
                pause.Reset();
                await foreach (var _ in changes.ReadAllAsync(cancellationToken))
                {
                    await ReadAsync(onChange, cancellationToken);
                }

                return; // the client was disposed: the dashboard is stopping
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Guests are one part of the live view: the interrupts and devices go on, and the pages say the guests stopped.
                var wait = pause.Next();
                LogFailed(logger, wait.TotalSeconds, ex);
                _problem = ex.Message;
                onChange();
                await Task.Delay(wait, timeProvider, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task ReadAsync(Action onChange, CancellationToken cancellationToken)
    {
        var guests = await libvirt.ListGuestsAsync(cancellationToken);
        Volatile.Write(ref _latest, new Reading(guests, _latest.Version + 1));
        _problem = null;
        onChange();
    }

    private sealed record Reading(GuestsSnapshot? Guests, long Version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Following libvirt's guests failed; trying again in {PauseSeconds} s.")]
    private static partial void LogFailed(ILogger logger, double pauseSeconds, Exception exception);
}
