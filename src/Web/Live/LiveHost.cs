using Microsoft.Extensions.Options;
using Passthru.Core.Interrupts;
using Passthru.Core.Scanning;
using Passthru.Web.Configuration;
using Passthru.Web.Model;

namespace Passthru.Web.Live;

/// <summary>
/// The one producer of live host state, running as long as the dashboard does. While someone watches
/// (pages, hub clients, API calls, through <see cref="LiveSubscribers"/>) it samples <c>/proc/interrupts</c>
/// every <see cref="PassthruOptions.InterruptSampleMs"/>, rescans devices when <see cref="DeviceEvents"/>
/// says they changed, and follows the guests through <see cref="GuestWatcher"/>. While nobody watches it
/// samples only every <see cref="PassthruOptions.InterruptHistorySeconds"/>, for the history (not at all
/// with the history off), and rescans only if devices changed. Every sample goes to
/// <see cref="InterruptHistoryRecorder"/>. If its loop fails, it says so to the subscribers
/// (<see cref="LiveState.StoppedBecause"/>) and starts again after a <see cref="RestartPause"/>.
/// </summary>
public sealed partial class LiveHost : BackgroundService
{
    private readonly LiveSubscribers _subscribers = new();
    private readonly RestartPause _restartPause = new();
    private readonly IInterruptSamplerFactory _samplers;
    private readonly DeviceEvents _deviceEvents;
    private readonly GuestWatcher _guests;
    private readonly InterruptHistoryRecorder _recorder;
    private readonly HostModel _model;
    private readonly IOptions<PassthruOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<LiveHost> _logger;

    // The producer loop's own: the devices as last scanned, and when.
    private HostSnapshot? _host;
    private DateTimeOffset _lastScan;

    public LiveHost(HostModel model, IInterruptSamplerFactory samplers, DeviceEvents deviceEvents, GuestWatcher guests, InterruptHistoryRecorder recorder,
        IOptions<PassthruOptions> options, TimeProvider timeProvider, ILogger<LiveHost> logger)
        => (_model, _samplers, _deviceEvents, _guests, _recorder, _options, _timeProvider, _logger)
            = (model, samplers, deviceEvents, guests, recorder, options, timeProvider, logger);

    public LiveState Current => _subscribers.Latest;

    public int SubscriberCount => _subscribers.Count;

    /// <summary>Where driver changes come from: the kernel's uevents, or a poll.</summary>
    public string DeviceEventSource => _deviceEvents.Source;

    /// <summary>Starts watching for the caller; the latest state is delivered at once if there is one. Dispose to stop.</summary>
    public LiveSubscription Subscribe() => _subscribers.Subscribe();

    /// <summary>Asks for a device rescan now, e.g. after the dashboard's own bind or unbind on a host without uevents.</summary>
    public void RequestRescan() => _deviceEvents.RequestRescan();

    /// <summary>A state whose interrupt sample has rates: the current one if it is fresh, else the next that has them.</summary>
    public async Task<LiveState> WaitForRatesAsync(CancellationToken cancellationToken)
    {
        var current = Current;
        if (current.Interrupts.HasRates && _timeProvider.GetUtcNow() - current.Interrupts.At < 2 * SamplePeriod)
        {
            return current;
        }

        using var subscription = Subscribe();
        await foreach (var state in subscription.Reader.ReadAllAsync(cancellationToken))
        {
            if (state.Interrupts.HasRates && state.Interrupts.At > current.Interrupts.At)
            {
                return state;
            }
        }

        throw new OperationCanceledException(cancellationToken);
    }

    private TimeSpan SamplePeriod => TimeSpan.FromMilliseconds(_options.Value.InterruptSampleMs);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var uevents = _deviceEvents.ListenAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ProduceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The dashboard must keep its live view: say why it stopped, pause, start the loop again.
                var pause = _restartPause.Next();
                LogLoopFailed(_logger, pause.TotalSeconds, ex);
                _subscribers.Publish(Current with { StoppedBecause = ex.Message });
                await Task.Delay(pause, _timeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        await uevents;
    }

    private async Task ProduceAsync(CancellationToken stoppingToken)
    {
        using var sampler = _samplers.Create();
        await SampleAsync(sampler, rescan: true, watched: false, stoppingToken);
        while (true)
        {
            if (_subscribers.Count == 0)
            {
                await IdleAsync(sampler, stoppingToken);
            }

            await FollowWhileWatchedAsync(sampler, stoppingToken);
        }
    }

    /// <summary>
    /// Until someone watches: a sample every history period, with a rescan only if the devices changed
    /// (or, without uevents, the poll period passed); then a fresh scan and sample for whoever came.
    /// </summary>
    private async Task IdleAsync(IInterruptSampler sampler, CancellationToken stoppingToken)
    {
        var watched = _subscribers.WhenWatchedAsync(stoppingToken);
        if (_recorder.Period is { } period)
        {
            using var timer = new PeriodicTimer(period, _timeProvider);
            while (true)
            {
                var tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
                if (await Task.WhenAny(watched, tick) == watched)
                {
                    break;
                }

                await tick; // a cancellation surfaces here
                await SampleAsync(sampler, _deviceEvents.TakeRequests() || _deviceEvents.PollDue(_lastScan), watched: false, stoppingToken);
            }
        }

        await watched;
        // The latest state may be a period old (hours, with the history off): whoever came sees the host as it is now.
        _deviceEvents.TakeRequests();
        await SampleAsync(sampler, rescan: true, watched: false, stoppingToken);
    }

    /// <summary>While someone watches: a sample every sample period, a rescan at once when the devices changed, and the guests followed.</summary>
    private async Task FollowWhileWatchedAsync(IInterruptSampler sampler, CancellationToken stoppingToken)
    {
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var guests = _guests.WatchAsync(_deviceEvents.RequestRescan, watching.Token);
        try
        {
            using var timer = new PeriodicTimer(SamplePeriod, _timeProvider);
            Task<bool>? tick = null;
            Task<bool>? request = null;
            while (_subscribers.Count > 0)
            {
                tick ??= timer.WaitForNextTickAsync(watching.Token).AsTask();
                request ??= _deviceEvents.WaitForRequestAsync(watching.Token);
                var woke = await Task.WhenAny(tick, request);
                await woke; // a cancellation surfaces here
                bool rescan;
                if (woke == request)
                {
                    await _deviceEvents.SettleAsync(stoppingToken);
                    (request, rescan) = (null, true);
                }
                else
                {
                    (tick, rescan) = (null, _deviceEvents.PollDue(_lastScan));
                }

                await SampleAsync(sampler, rescan, watched: true, stoppingToken);
            }
        }
        finally
        {
            await watching.CancelAsync();
            await guests;
        }
    }

    /// <param name="watched">
    /// Whether someone watched since the previous sample. A rate over a span nobody watched (a history period,
    /// or hours) is the history's, not the live view's: that sample is published as a first read, without rates.
    /// </param>
    private async Task SampleAsync(IInterruptSampler sampler, bool rescan, bool watched, CancellationToken stoppingToken)
    {
        if (rescan || _host is null)
        {
            _host = await _model.ScanAsync(stoppingToken);
            _lastScan = _timeProvider.GetUtcNow();
        }

        var sample = sampler.Sample(_host);
        _recorder.Add(sample);
        Publish(_host, watched ? sample : sample.WithoutRates());
        _restartPause.Reset();
    }

    private void Publish(HostSnapshot host, InterruptSample sample)
    {
        var previous = Current;
        var hostChanged = previous.Host is null || !previous.Host.HasSameDevicesAs(host);
        var (guests, guestsVersion) = _guests.Latest;
        _subscribers.Publish(new LiveState(
            hostChanged ? host : previous.Host!,
            sample,
            hostChanged ? previous.HostVersion + 1 : previous.HostVersion,
            guests,
            guestsVersion,
            _guests.Problem is { } problem ? $"following libvirt's guests failed: {problem}" : null));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The live host loop failed; starting it again in {PauseSeconds} s.")]
    private static partial void LogLoopFailed(ILogger logger, double pauseSeconds, Exception exception);
}
