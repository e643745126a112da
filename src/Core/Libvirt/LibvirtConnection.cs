using Passthru.Core.Libvirt.Native;

namespace Passthru.Core.Libvirt;

/// <summary>
/// The one long-lived connection: opened on first use, dropped when libvirt closes it or a call finds
/// it dead, and opened again on the next use (at once after a loss, then with a growing pause after
/// each failed attempt). While anyone watches for changes it also reconnects by itself, so events
/// resume after a libvirtd restart without waiting for a page to ask.
/// </summary>
internal sealed class LibvirtConnection : IDisposable
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(15);

    private readonly string _uri;
    private readonly TimeProvider _timeProvider;
    private readonly GuestChangeHub _hub;
    private readonly Lock _gate = new();
    private readonly ITimer _reconnectTimer;
    private ConnectionHandle? _handle;
    private LibvirtAvailability _availability;
    private DateTimeOffset _nextAttempt = DateTimeOffset.MinValue;
    private TimeSpan _retryDelay = FirstRetryDelay;
    private bool _holdsEventLoop;
    private bool _disposed;

    public LibvirtConnection(string uri, TimeProvider timeProvider, GuestChangeHub hub)
    {
        _uri = uri;
        _timeProvider = timeProvider;
        _hub = hub;
        _availability = LibvirtAvailability.NotChecked(uri);
        _reconnectTimer = timeProvider.CreateTimer(_ => ReconnectForWatchers(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        hub.Subscribed += OnSubscribed;
    }

    public LibvirtAvailability Availability => Volatile.Read(ref _availability);

    /// <summary>
    /// The open connection, held until the lease is disposed (a reconnect meanwhile closes the old
    /// one only after that); opens it if needed. Blocks: call on a worker thread.
    /// </summary>
    /// <exception cref="LibvirtUnavailableException">No connection and none could be opened now.</exception>
    public Lease Acquire()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                throw new LibvirtUnavailableException(_availability);
            }

            if (_handle is null)
            {
                if (_timeProvider.GetUtcNow() < _nextAttempt)
                {
                    throw new LibvirtUnavailableException(_availability);
                }

                Open();
            }

            var handle = _handle!;
            var added = false;
            handle.DangerousAddRef(ref added);
            return new Lease(handle);
        }
    }

    /// <summary>
    /// After a failed call: whether the connection itself is gone (then it is dropped, and the next
    /// call reconnects). Call after the exception was built: this makes a libvirt call of its own.
    /// </summary>
    public bool DropIfDead(Lease lease, LibvirtException failure)
    {
        if (failure.Code != LibvirtErrorCode.InvalidConnection && LibvirtNative.virConnectIsAlive(lease.Pointer) == 1)
        {
            return false;
        }

        LibvirtNative.virResetLastError();
        Lost(lease.Handle, $"the connection to libvirt at {_uri} was lost: {failure.LibvirtMessage}");
        return true;
    }

    public void Dispose()
    {
        ConnectionHandle? handle;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            handle = _handle;
            _handle = null;
            Volatile.Write(ref _availability, new LibvirtAvailability(LibvirtStatus.Disposed, _uri, "the libvirt client was shut down", _timeProvider.GetUtcNow()));
        }

        _hub.Subscribed -= OnSubscribed;
        _reconnectTimer.Dispose();
        handle?.Dispose(); // closes now, or when the last call in flight returns
        if (_holdsEventLoop)
        {
            EventLoop.Release();
        }
    }

    /// <summary>Opens the connection; under <see cref="_gate"/>.</summary>
    private void Open()
    {
        var now = _timeProvider.GetUtcNow();
        if (LibvirtLibrary.InitializationFailure is { } failure)
        {
            // Loading is not retried: the runtime remembers a library that failed to load.
            _nextAttempt = DateTimeOffset.MaxValue;
            Volatile.Write(ref _availability, new LibvirtAvailability(LibvirtStatus.NotInstalled, _uri, failure, now));
            throw new LibvirtUnavailableException(_availability);
        }

        ConnectionHandle? handle = null;
        try
        {
            if (!_holdsEventLoop)
            {
                // libvirt needs its event loop registered before the first open, for events and for noticing a closed socket.
                EventLoop.Acquire();
                _holdsEventLoop = true;
            }

            handle = ConnectionHandle.Open(_uri);
            var events = new ConnectionEvents(this, handle);
            handle.Register(events);
        }
        catch (LibvirtException e)
        {
            handle?.Dispose();
            var (status, reason) = Classify(e);
            Volatile.Write(ref _availability, new LibvirtAvailability(status, _uri, reason, now));
            _nextAttempt = now + _retryDelay;
            _retryDelay = TimeSpan.FromTicks(Math.Min(_retryDelay.Ticks * 2, MaxRetryDelay.Ticks));
            throw new LibvirtUnavailableException(_availability, e);
        }

        _handle = handle;
        _retryDelay = FirstRetryDelay;
        _nextAttempt = DateTimeOffset.MinValue;
        Volatile.Write(ref _availability, new LibvirtAvailability(LibvirtStatus.Available, _uri, null, now));
        _hub.Publish(new GuestChange(GuestChangeKind.Connected, null, now));
    }

    /// <summary>Drops <paramref name="handle"/> if it is still the current connection; the next use opens a new one at once.</summary>
    private void Lost(ConnectionHandle handle, string reason)
    {
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            if (_handle != handle)
            {
                return; // already dropped (the close callback and a failed call both noticed)
            }

            _handle = null;
            _nextAttempt = now;
            Volatile.Write(ref _availability, new LibvirtAvailability(LibvirtStatus.NotRunning, _uri, reason, now));
        }

        handle.Dispose();
        _hub.Publish(new GuestChange(GuestChangeKind.Disconnected, null, now, reason));
        ScheduleReconnect();
    }

    /// <summary>A subscriber came (on a page's thread): never wait there for an open in progress.</summary>
    private void OnSubscribed() => ThreadPool.QueueUserWorkItem(_ => ScheduleReconnect());

    /// <summary>Arms the timer for the next attempt when someone watches and there is no connection.</summary>
    private void ScheduleReconnect()
    {
        lock (_gate)
        {
            if (_disposed || _handle is not null || !_hub.HasSubscribers || _nextAttempt == DateTimeOffset.MaxValue)
            {
                return;
            }

            var delay = _nextAttempt - _timeProvider.GetUtcNow();
            _reconnectTimer.Change(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    private void ReconnectForWatchers()
    {
        try
        {
            using var lease = Acquire();
        }
        catch (LibvirtUnavailableException)
        {
            ScheduleReconnect();
        }
        catch (Exception)
        {
            // A timer callback must not throw; the next call or subscription tries again.
        }
    }

    private (LibvirtStatus Status, string Reason) Classify(LibvirtException e)
    {
        var message = e.LibvirtMessage;
        if (e.Code is LibvirtErrorCode.AuthFailed or LibvirtErrorCode.AuthUnavailable or LibvirtErrorCode.AccessDenied or LibvirtErrorCode.OperationDenied
            || message.Contains("Permission denied", StringComparison.Ordinal))
        {
            return (LibvirtStatus.AccessDenied, $"libvirt refused the connection to {_uri}: {message}");
        }

        // The remote driver's words when nothing listens on the socket: the daemon is not running.
        if (message.Contains("Failed to connect socket", StringComparison.Ordinal) || message.Contains("Connection refused", StringComparison.Ordinal))
        {
            return (LibvirtStatus.NotRunning, $"libvirtd is not running at {_uri}: {message}");
        }

        return (LibvirtStatus.ConnectFailed, $"cannot connect to libvirt at {_uri}: {message}");
    }

    /// <summary>
    /// A connection held for one operation; disposing lets it close if it was dropped meanwhile. Calls take
    /// the raw <see cref="Pointer"/>, valid while the lease lasts: a SafeHandle argument would throw
    /// ObjectDisposedException once a reconnect has dropped the handle, even though it is still open.
    /// </summary>
    public readonly struct Lease(ConnectionHandle handle) : IDisposable
    {
        public ConnectionHandle Handle { get; } = handle;

        public IntPtr Pointer => Handle.DangerousGetHandle();

        public void Dispose() => Handle.DangerousRelease();
    }

    /// <summary>The connection's events, on libvirt's loop thread: turned into changes; a close is handled on the thread pool.</summary>
    private sealed class ConnectionEvents(LibvirtConnection owner, ConnectionHandle handle) : IConnectionEvents
    {
        public void OnLifecycle(string? domainName, int eventType, int detail)
            => owner._hub.Publish(LifecycleEvents.ToChange(eventType, detail, domainName, owner._timeProvider.GetUtcNow()));

        public void OnDevice(string? domainName, int eventId, string? deviceAlias)
        {
            var kind = eventId switch
            {
                LibvirtNative.EventIdDeviceAdded => GuestChangeKind.DeviceAdded,
                LibvirtNative.EventIdDeviceRemoved => GuestChangeKind.DeviceRemoved,
                _ => GuestChangeKind.DeviceRemovalFailed,
            };
            owner._hub.Publish(new GuestChange(kind, domainName, owner._timeProvider.GetUtcNow(), deviceAlias));
        }

        public void OnClosed(int reason)
        {
            var why = reason switch
            {
                1 => "libvirtd closed it (stopped or restarted)",  // VIR_CONNECT_CLOSE_REASON_EOF
                2 => "libvirtd stopped answering keepalives",      // _KEEPALIVE
                3 => "it was closed by this client",              // _CLIENT
                _ => "a connection error",                        // _ERROR
            };

            // Not here: dropping deregisters callbacks and closes, which must not run inside libvirt's close callback.
            ThreadPool.QueueUserWorkItem(_ => owner.Lost(handle, $"the connection to libvirt at {owner._uri} was lost: {why}"));
        }
    }
}
