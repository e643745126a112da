using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Passthru.Core.Binding;
using Passthru.Core.Host;
using Passthru.Web.Configuration;

namespace Passthru.Web.Live;

/// <summary>
/// When the devices may have changed: the kernel's uevents (on this machine's own root), the dashboard's
/// own binds and unbinds, and anyone else's rescan request. Without uevents (a captured tree as host
/// root, a sandbox without netlink) the producer falls back to a rescan every
/// <see cref="PassthruOptions.DevicePollMs"/>.
/// </summary>
public sealed partial class DeviceEvents
{
    /// <summary>Several uevents come together (unbind, bind, the vfio group node): wait this long and rescan once.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(50);

    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly HostRoot _root;
    private readonly IOptions<PassthruOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<DeviceEvents> _logger;
    private volatile bool _fromKernel;

    public DeviceEvents(HostRoot root, BindingService binding, IOptions<PassthruOptions> options, TimeProvider timeProvider, ILogger<DeviceEvents> logger)
    {
        (_root, _options, _timeProvider, _logger) = (root, options, timeProvider, logger);
        binding.DriversChanged += RequestRescan;
    }

    /// <summary>Where driver changes come from: the kernel's uevents, or a poll.</summary>
    public string Source => _fromKernel ? "kernel uevents" : $"a rescan every {_options.Value.DevicePollMs} ms";

    private TimeSpan PollPeriod => TimeSpan.FromMilliseconds(_options.Value.DevicePollMs);

    /// <summary>Asks for a device rescan, e.g. after the dashboard's own bind or unbind on a host without uevents.</summary>
    public void RequestRescan() => _requests.Writer.TryWrite(true);

    /// <summary>Completes when a rescan is requested (requests wait, merged into one, until taken).</summary>
    public Task<bool> WaitForRequestAsync(CancellationToken cancellationToken) => _requests.Reader.WaitToReadAsync(cancellationToken).AsTask();

    /// <summary>Lets a burst of events arrive, then takes them all: one rescan follows.</summary>
    public async Task SettleAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(Settle, _timeProvider, cancellationToken);
        TakeRequests();
    }

    /// <summary>Takes the waiting requests; says whether there were any.</summary>
    public bool TakeRequests()
    {
        var any = false;
        while (_requests.Reader.TryRead(out _))
        {
            any = true;
        }

        return any;
    }

    /// <summary>Whether, without uevents, the poll period has passed since <paramref name="lastScan"/>.</summary>
    public bool PollDue(DateTimeOffset lastScan) => !_fromKernel && _timeProvider.GetUtcNow() - lastScan >= PollPeriod;

    /// <summary>Listens to the kernel's uevents until stopped; returns at once where there are none to listen to.</summary>
    public async Task ListenAsync(CancellationToken stoppingToken)
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

        _fromKernel = true;
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
            _fromKernel = false;
            LogNoUevents(_logger, ex.Message, _options.Value.DevicePollMs);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Host root {Root} is not this machine's: device changes are picked up by a rescan every {PollMs} ms.")]
    private static partial void LogPolling(ILogger logger, string root, int pollMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem} Device changes are picked up by a rescan every {PollMs} ms instead.")]
    private static partial void LogNoUevents(ILogger logger, string problem, int pollMs);
}
