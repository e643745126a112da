using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Passthru.Core.Binding;
using Passthru.Core.Host;
using Passthru.Core.Interrupts;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;
using Passthru.Web.Configuration;
using Passthru.Web.Model;

namespace Passthru.Web.Live;

/// <summary>
/// The one producer of live host state: it samples <c>/proc/interrupts</c> every
/// <see cref="PassthruOptions.InterruptSampleMs"/> and rescans devices when the kernel reports a
/// device event (or, without the uevent socket, every <see cref="PassthruOptions.DevicePollMs"/>).
/// It works only while someone watches: pages, hub clients and API calls subscribe, each with its
/// own channel that holds only the latest state, so a slow reader merges bursts instead of queueing them.
/// </summary>
public sealed partial class LiveHost : BackgroundService
{
    /// <summary>Several uevents come together (unbind, bind, the vfio group node): wait this long and rescan once.</summary>
    private static readonly TimeSpan DeviceEventSettle = TimeSpan.FromMilliseconds(50);

    private readonly Lock _gate = new();
    private readonly List<Channel<LiveState>> _subscribers = [];
    private readonly Channel<bool> _rescanRequests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private TaskCompletionSource _watched = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LiveState _current = LiveState.Initial;
    private bool _ueventsAvailable;

    private readonly ILibvirtClient _libvirt;
    private GuestsSnapshot? _guests;
    private long _guestsVersion;
    private readonly HostModel _model;
    private readonly HostRoot _root;
    private readonly IOptions<PassthruOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<LiveHost> _logger;

    public LiveHost(HostModel model, HostRoot root, BindingService binding, ILibvirtClient libvirt, IOptions<PassthruOptions> options,
        TimeProvider timeProvider, ILogger<LiveHost> logger)
    {
        (_model, _root, _libvirt, _options, _timeProvider, _logger) = (model, root, libvirt, options, timeProvider, logger);
        binding.DriversChanged += RequestRescan;
    }

    public LiveState Current => _current;

    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>Where driver changes come from: the kernel's uevents, or a poll.</summary>
    public string DeviceEventSource => _ueventsAvailable ? "kernel uevents" : $"a rescan every {_options.Value.DevicePollMs} ms";

    /// <summary>Starts watching for the caller; the latest state is delivered at once if there is one. Dispose to stop.</summary>
    public LiveSubscription Subscribe()
    {
        var channel = Channel.CreateBounded<LiveState>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_gate)
        {
            _subscribers.Add(channel);
            if (_current.Host is not null && _subscribers.Count > 1)
            {
                // The loop is running, so the current state is fresh; with no one watching before, it may be
                // hours old, and the loop's first scan follows at once.
                channel.Writer.TryWrite(_current);
            }

            if (_subscribers.Count == 1)
            {
                _watched.TrySetResult();
            }
        }

        return new LiveSubscription(channel.Reader, () => Unsubscribe(channel));
    }

    /// <summary>Asks for a device rescan now, e.g. after the dashboard's own bind or unbind on a host without uevents.</summary>
    public void RequestRescan() => _rescanRequests.Writer.TryWrite(true);

    /// <summary>A state whose interrupt sample has rates: the current one if it is fresh, else the next that has them.</summary>
    public async Task<LiveState> WaitForRatesAsync(CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromMilliseconds(_options.Value.InterruptSampleMs);
        var current = _current;
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

    private void Unsubscribe(Channel<LiveState> channel)
    {
        lock (_gate)
        {
            _subscribers.Remove(channel);
            channel.Writer.TryComplete();
            if (_subscribers.Count == 0)
            {
                _watched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var uevents = ListenForUeventsAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            Task watched;
            lock (_gate)
            {
                watched = _watched.Task;
            }

            try
            {
                await watched.WaitAsync(stoppingToken);
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
        var guests = WatchGuestsAsync(guestWatch.Token);
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

    /// <summary>
    /// Re-reads the guests whenever libvirt reports a change (or Passthru made one: qemu sends no event
    /// for a persistent-only change), while someone watches; each read goes out with the next state.
    /// </summary>
    private async Task WatchGuestsAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var changes = _libvirt.SubscribeToChanges();
            await ReadGuestsAsync(cancellationToken);
            await foreach (var _ in changes.ReadAllAsync(cancellationToken))
            {
                await ReadGuestsAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Guests are one part of the live view: the interrupts and devices go on without them.
            LogGuestsFailed(_logger, ex);
        }
    }

    private async Task ReadGuestsAsync(CancellationToken cancellationToken)
    {
        _guests = await _libvirt.ListGuestsAsync(cancellationToken);
        Interlocked.Increment(ref _guestsVersion);
        RequestRescan();
    }

    private async Task SampleWhileWatchedAsync(CancellationToken stoppingToken)
    {
        var settings = _options.Value;
        using var sampler = new InterruptSampler(_root, _timeProvider);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(settings.InterruptSampleMs), _timeProvider);
        var pollPeriod = TimeSpan.FromMilliseconds(settings.DevicePollMs);
        var host = await ScanAsync(stoppingToken);
        var lastScan = _timeProvider.GetUtcNow();
        Publish(host, sampler.Sample(host));

        Task<bool>? tick = null;
        Task<bool>? rescan = null;
        while (SubscriberCount > 0)
        {
            tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
            rescan ??= _rescanRequests.Reader.WaitToReadAsync(stoppingToken).AsTask();
            var woke = await Task.WhenAny(tick, rescan);
            await woke; // a cancellation surfaces here
            var now = _timeProvider.GetUtcNow();
            if (woke == rescan || (!_ueventsAvailable && now - lastScan >= pollPeriod))
            {
                if (woke == rescan)
                {
                    await Task.Delay(DeviceEventSettle, _timeProvider, stoppingToken);
                    while (_rescanRequests.Reader.TryRead(out _))
                    {
                    }

                    rescan = null;
                }

                host = await ScanAsync(stoppingToken);
                lastScan = now;
            }

            if (woke == tick)
            {
                tick = null;
            }

            Publish(host, sampler.Sample(host));
        }
    }

    private Task<HostSnapshot> ScanAsync(CancellationToken cancellationToken) => _model.ScanAsync(cancellationToken);

    private void Publish(HostSnapshot host, InterruptSample sample)
    {
        var previous = _current;
        var hostChanged = previous.Host is null || !previous.Host.HasSameDevicesAs(host);
        var state = new LiveState(
            hostChanged ? host : previous.Host!,
            sample,
            hostChanged ? previous.HostVersion + 1 : previous.HostVersion,
            _guests,
            Interlocked.Read(ref _guestsVersion));
        _current = state;
        lock (_gate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(state);
            }
        }
    }

    private async Task ListenForUeventsAsync(CancellationToken stoppingToken)
    {
        if (_root.Path != "/")
        {
            LogPolling(_logger, _root.Path, _options.Value.DevicePollMs);
            return;
        }

        using var socket = UeventSocket.TryOpen(out var problem);
        if (socket is null)
        {
            LogNoUevents(_logger, problem!, _options.Value.DevicePollMs);
            return;
        }

        _ueventsAvailable = true;
        try
        {
            while (true)
            {
                var message = await socket.ReceiveAsync(stoppingToken);
                if (message.ConcernsDevices)
                {
                    RequestRescan();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            // ENOBUFS after a burst larger than the queue, or the socket failed: fall back to polling.
            _ueventsAvailable = false;
            LogNoUevents(_logger, ex.Message, _options.Value.DevicePollMs);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The live host loop failed; starting it again.")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Following libvirt's guests failed; the live view goes on without them.")]
    private static partial void LogGuestsFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Host root {Root} is not this machine's: device changes are picked up by a rescan every {PollMs} ms.")]
    private static partial void LogPolling(ILogger logger, string root, int pollMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem} Device changes are picked up by a rescan every {PollMs} ms instead.")]
    private static partial void LogNoUevents(ILogger logger, string problem, int pollMs);
}
