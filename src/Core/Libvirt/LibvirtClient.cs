using Passthru.Core.Libvirt.Native;
using Passthru.Core.Pci;

namespace Passthru.Core.Libvirt;

/// <summary>
/// <see cref="ILibvirtClient"/> over libvirt.so.0. Each operation runs on a thread-pool thread (libvirt
/// calls block), at most <see cref="MaxConcurrentCalls"/> at once, and reads libvirt's error on that
/// thread right after the failing call.
/// </summary>
public sealed class LibvirtClient : ILibvirtClient, IAsyncDisposable, IDisposable
{
    public const string DefaultUri = "qemu:///system";

    /// <summary>Enough for a page refresh beside an attach; more would only park pool threads in libvirt.</summary>
    private const int MaxConcurrentCalls = 4;

    private static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _calls = new(MaxConcurrentCalls);
    private readonly GuestChangeHub _hub;
    private readonly LibvirtConnection _connection;
    private readonly TimeProvider _timeProvider;
    private int _disposed;

    /// <param name="uri">A libvirt URI: <c>qemu:///system</c>, <c>test:///ABSOLUTE/PATH.xml</c>, <c>qemu+ssh://…</c>. Nothing connects until first use.</param>
    public LibvirtClient(string uri, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uri);
        Uri = uri;
        _timeProvider = timeProvider;
        _hub = new GuestChangeHub(timeProvider);
        _connection = new LibvirtConnection(uri, timeProvider, _hub);
    }

    public string Uri { get; }

    public LibvirtAvailability Availability => _connection.Availability;

    public async Task<LibvirtAvailability> CheckAvailabilityAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            // IsAlive is answered locally: it notices a connection whose close event has not arrived yet.
            await RunAsync(lease => LibvirtNative.virConnectIsAlive(lease.Pointer) == 1 ? true
                : throw new LibvirtException("Checking the connection", "the connection is not alive", LibvirtErrorCode.InvalidConnection, 0, "virConnectIsAlive"),
                retryIfLost: true, cancellationToken).ConfigureAwait(false);
        }
        catch (LibvirtUnavailableException)
        {
        }

        return Availability;
    }

    public GuestChangeSubscription SubscribeToChanges() => _hub.Subscribe();

    public async Task<GuestsSnapshot> ListGuestsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var guests = await RunAsync(GuestReader.ListGuests, retryIfLost: true, cancellationToken).ConfigureAwait(false);
            return new GuestsSnapshot(Availability, guests, _timeProvider.GetUtcNow());
        }
        catch (LibvirtUnavailableException e)
        {
            return new GuestsSnapshot(e.Availability, [], _timeProvider.GetUtcNow());
        }
        catch (LibvirtException e)
        {
            return new GuestsSnapshot(Availability, [], _timeProvider.GetUtcNow(), e.Message);
        }
    }

    public Task<Guest?> GetGuestAsync(string name, CancellationToken cancellationToken = default)
    {
        GuestName.Validate(name);
        return RunAsync(lease =>
        {
            using var domain = DomainCalls.TryLookup(lease, name, out var error);
            return domain is null
                ? error!.Code == LibvirtErrorCode.NoDomain ? null : throw error
                : GuestReader.ReadGuest(domain);
        }, retryIfLost: true, cancellationToken);
    }

    public Task<Guest> AttachHostDeviceAsync(string guestName, HostDeviceAttachment attachment, CancellationToken cancellationToken = default)
    {
        GuestName.Validate(guestName);
        ArgumentNullException.ThrowIfNull(attachment);
        return RunAsync(lease => Announce(guestName, HostDeviceEditor.Attach(lease, guestName, attachment)), retryIfLost: false, cancellationToken);
    }

    public Task<Guest> DetachHostDeviceAsync(string guestName, PciAddress hostAddress, GuestDefinitions from, CancellationToken cancellationToken = default)
    {
        GuestName.Validate(guestName);
        if ((from & GuestDefinitions.Both) == 0)
        {
            throw new ArgumentException("Choose the live definition, the persistent one, or both.", nameof(from));
        }

        return RunAsync(lease => Announce(guestName, HostDeviceEditor.Detach(lease, guestName, hostAddress, from)), retryIfLost: false, cancellationToken);
    }

    public Task StartGuestAsync(string name, CancellationToken cancellationToken = default)
        => RunOnGuestAsync(name, LibvirtNative.virDomainCreate, "virDomainCreate", $"Cannot start {name}", cancellationToken);

    public Task ShutdownGuestAsync(string name, CancellationToken cancellationToken = default)
        => RunOnGuestAsync(name, LibvirtNative.virDomainShutdown, "virDomainShutdown", $"Cannot shut down {name}", cancellationToken);

    public Task DestroyGuestAsync(string name, CancellationToken cancellationToken = default)
        => RunOnGuestAsync(name, LibvirtNative.virDomainDestroy, "virDomainDestroy", $"Cannot force off {name}", cancellationToken);

    public Task<IReadOnlyList<NodePciDevice>> ListPciNodeDevicesAsync(CancellationToken cancellationToken = default)
        => RunAsync(GuestReader.ListPciNodeDevices, retryIfLost: true, cancellationToken);

    /// <summary>Starts a transient guest from XML (tests use it: a test-driver config can only hold persistent ones).</summary>
    internal Task<string> CreateTransientGuestAsync(string xml, CancellationToken cancellationToken = default)
        => RunAsync(lease =>
        {
            using var domain = LibvirtNative.virDomainCreateXML(lease.Pointer, xml, 0);
            return domain.IsInvalid ? throw LibvirtErrors.Last("virDomainCreateXML", "Cannot create a transient guest") : DomainCalls.Name(domain);
        }, retryIfLost: false, cancellationToken);

    public async ValueTask DisposeAsync() => await Task.Run(Dispose).ConfigureAwait(false);

    /// <summary>Ends subscriptions, waits (a bounded time) for calls in flight, closes the connection and stops the event loop thread if no other client uses it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _hub.Complete();
        var deadline = _timeProvider.GetTimestamp();
        var held = 0;
        while (held < MaxConcurrentCalls && _calls.Wait(Remaining(deadline)))
        {
            held++;
        }

        _connection.Dispose();
        if (held > 0)
        {
            _calls.Release(held); // later calls find the client disposed and say so
        }
    }

    private TimeSpan Remaining(long start)
    {
        var left = DisposeWait - _timeProvider.GetElapsedTime(start);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private async Task<T> RunAsync<T>(Func<LibvirtConnection.Lease, T> work, bool retryIfLost, CancellationToken cancellationToken)
    {
        await _calls.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => Invoke(work, retryIfLost), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _calls.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the connection. A call that fails because the connection died
    /// (libvirtd restarted, before its close event arrived) drops it; a read is then tried once more on
    /// a new connection, a change is not (it may have happened) and reports libvirt unavailable.
    /// </summary>
    private T Invoke<T>(Func<LibvirtConnection.Lease, T> work, bool retryIfLost)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var lease = _connection.Acquire();
            try
            {
                return work(lease);
            }
            catch (LibvirtException e) when (e is not LibvirtUnavailableException)
            {
                if (!_connection.DropIfDead(lease, e))
                {
                    throw;
                }

                if (!retryIfLost || attempt == 2)
                {
                    throw new LibvirtUnavailableException(_connection.Availability, e);
                }
            }
        }
    }

    private Task RunOnGuestAsync(string name, Func<DomainHandle, int> call, string function, string context, CancellationToken cancellationToken)
    {
        GuestName.Validate(name);
        return RunAsync(lease =>
        {
            using var domain = DomainCalls.Lookup(lease, name, context);
            return LibvirtErrors.Check(call(domain), function, context);
        }, retryIfLost: false, cancellationToken);
    }

    /// <summary>qemu announces no persistent-only change: tell subscribers ourselves.</summary>
    private Guest Announce(string guestName, (Guest Guest, string Detail) change)
    {
        _hub.Publish(new GuestChange(GuestChangeKind.ChangedByPassthru, guestName, _timeProvider.GetUtcNow(), change.Detail));
        return change.Guest;
    }
}
