using Microsoft.Extensions.Options;
using Passthru.Core.Host;
using Passthru.Core.Interrupts;
using Passthru.Core.Scanning;
using Passthru.Web.Configuration;
using Passthru.Web.Model;

namespace Passthru.Web.Live;

/// <summary>
/// The one producer of live host state: it samples <c>/proc/interrupts</c> every
/// <see cref="PassthruOptions.InterruptSampleMs"/>, rescans devices when <see cref="DeviceEvents"/> says
/// they changed, and sends the guests <see cref="GuestWatcher"/> read, to <see cref="LiveSubscribers"/>.
/// It works only while someone watches.
/// </summary>
public sealed partial class LiveHost : BackgroundService
{
    private readonly LiveSubscribers _subscribers = new();
    private readonly DeviceEvents _deviceEvents;
    private readonly GuestWatcher _guests;
    private readonly HostModel _model;
    private readonly HostRoot _root;
    private readonly IOptions<PassthruOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<LiveHost> _logger;

    public LiveHost(HostModel model, HostRoot root, DeviceEvents deviceEvents, GuestWatcher guests, IOptions<PassthruOptions> options,
        TimeProvider timeProvider, ILogger<LiveHost> logger)
        => (_model, _root, _deviceEvents, _guests, _options, _timeProvider, _logger) = (model, root, deviceEvents, guests, options, timeProvider, logger);

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
        var period = TimeSpan.FromMilliseconds(_options.Value.InterruptSampleMs);
        var current = Current;
        if (current.Interrupts.HasRates && _timeProvider.GetUtcNow() - current.Interrupts.At < 2 * period)
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var uevents = _deviceEvents.ListenAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _subscribers.WhenWatchedAsync(stoppingToken);
                await RunWhileWatchedAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The dashboard must keep its live view: log, pause a moment, start the loop again.
                LogLoopFailed(_logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), _timeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        await uevents;
    }

    private async Task RunWhileWatchedAsync(CancellationToken stoppingToken)
    {
        using var guestWatch = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var guests = _guests.WatchAsync(_deviceEvents.RequestRescan, guestWatch.Token);
        try
        {
            await SampleWhileWatchedAsync(stoppingToken);
        }
        finally
        {
            await guestWatch.CancelAsync();
            await guests;
        }
    }

    private async Task SampleWhileWatchedAsync(CancellationToken stoppingToken)
    {
        using var sampler = new InterruptSampler(_root, _timeProvider);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_options.Value.InterruptSampleMs), _timeProvider);
        var host = await _model.ScanAsync(stoppingToken);
        var lastScan = _timeProvider.GetUtcNow();
        Publish(host, sampler.Sample(host));

        Task<bool>? tick = null;
        Task<bool>? request = null;
        while (SubscriberCount > 0)
        {
            tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
            request ??= _deviceEvents.WaitForRequestAsync(stoppingToken);
            var woke = await Task.WhenAny(tick, request);
            await woke; // a cancellation surfaces here
            var rescan = false;
            if (woke == request)
            {
                await _deviceEvents.SettleAsync(stoppingToken);
                (request, rescan) = (null, true);
            }
            else
            {
                tick = null;
                rescan = _deviceEvents.PollDue(lastScan);
            }

            if (rescan)
            {
                host = await _model.ScanAsync(stoppingToken);
                lastScan = _timeProvider.GetUtcNow();
            }

            Publish(host, sampler.Sample(host));
        }
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
            guestsVersion));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The live host loop failed; starting it again.")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
