using System.Globalization;
using System.Runtime.InteropServices;
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
            var guests = await RunAsync(ListGuests, retryIfLost: true, cancellationToken).ConfigureAwait(false);
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
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return RunAsync(lease =>
        {
            using var domain = TryLookup(lease, name, out var error);
            return domain is null
                ? error!.Code == LibvirtErrorCode.NoDomain ? null : throw error
                : ReadGuest(domain);
        }, retryIfLost: true, cancellationToken);
    }

    public Task<Guest> AttachHostDeviceAsync(string guestName, HostDeviceAttachment attachment, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(guestName);
        ArgumentNullException.ThrowIfNull(attachment);
        return RunAsync(lease => Attach(lease, guestName, attachment), retryIfLost: false, cancellationToken);
    }

    public Task<Guest> DetachHostDeviceAsync(string guestName, PciAddress hostAddress, GuestDefinitions from, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(guestName);
        if ((from & GuestDefinitions.Both) == 0)
        {
            throw new ArgumentException("Choose the live definition, the persistent one, or both.", nameof(from));
        }

        return RunAsync(lease => Detach(lease, guestName, hostAddress, from), retryIfLost: false, cancellationToken);
    }

    public Task StartGuestAsync(string name, CancellationToken cancellationToken = default)
        => RunOnGuestAsync(name, LibvirtNative.virDomainCreate, "virDomainCreate", $"Cannot start {name}", cancellationToken);

    public Task ShutdownGuestAsync(string name, CancellationToken cancellationToken = default)
        => RunOnGuestAsync(name, LibvirtNative.virDomainShutdown, "virDomainShutdown", $"Cannot shut down {name}", cancellationToken);

    public Task DestroyGuestAsync(string name, CancellationToken cancellationToken = default)
        => RunOnGuestAsync(name, LibvirtNative.virDomainDestroy, "virDomainDestroy", $"Cannot force off {name}", cancellationToken);

    public Task<IReadOnlyList<NodePciDevice>> ListPciNodeDevicesAsync(CancellationToken cancellationToken = default)
        => RunAsync(ListPciNodeDevices, retryIfLost: true, cancellationToken);

    /// <summary>Defines a guest from XML (tests set up guests with it); returns its name.</summary>
    internal Task<string> DefineGuestAsync(string xml, CancellationToken cancellationToken = default)
        => RunAsync(lease =>
        {
            using var domain = LibvirtNative.virDomainDefineXML(lease.Pointer, xml);
            return domain.IsInvalid ? throw LibvirtErrors.Last("virDomainDefineXML", "Cannot define a guest") : Name(domain);
        }, retryIfLost: false, cancellationToken);

    /// <summary>Starts a transient guest from XML (tests use it: a test-driver config can only hold persistent ones).</summary>
    internal Task<string> CreateTransientGuestAsync(string xml, CancellationToken cancellationToken = default)
        => RunAsync(lease =>
        {
            using var domain = LibvirtNative.virDomainCreateXML(lease.Pointer, xml, 0);
            return domain.IsInvalid ? throw LibvirtErrors.Last("virDomainCreateXML", "Cannot create a transient guest") : Name(domain);
        }, retryIfLost: false, cancellationToken);

    internal Task UndefineGuestAsync(string name, CancellationToken cancellationToken = default)
        => RunOnGuestAsync(name, LibvirtNative.virDomainUndefine, "virDomainUndefine", $"Cannot undefine {name}", cancellationToken);

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
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return RunAsync(lease =>
        {
            using var domain = Lookup(lease, name, context);
            return LibvirtErrors.Check(call(domain), function, context);
        }, retryIfLost: false, cancellationToken);
    }

    private static IReadOnlyList<Guest> ListGuests(LibvirtConnection.Lease lease)
    {
        var domains = TakeList(LibvirtNative.virConnectListAllDomains(lease.Pointer, out var array, 0), array,
            "virConnectListAllDomains", "Cannot list the guests", p => new DomainHandle(p));
        try
        {
            var guests = new List<Guest>(domains.Length);
            foreach (var domain in domains)
            {
                try
                {
                    guests.Add(ReadGuest(domain));
                }
                catch (LibvirtException e) when (e.Code == LibvirtErrorCode.NoDomain)
                {
                    // Undefined between the listing and the read: it is simply not there any more.
                }
            }

            return guests.OrderBy(g => g.Name, StringComparer.Ordinal).ToArray();
        }
        finally
        {
            foreach (var domain in domains)
            {
                domain.Dispose();
            }
        }
    }

    private static IReadOnlyList<NodePciDevice> ListPciNodeDevices(LibvirtConnection.Lease lease)
    {
        var devices = TakeList(LibvirtNative.virConnectListAllNodeDevices(lease.Pointer, out var array, LibvirtNative.NodeDevicesPci), array,
            "virConnectListAllNodeDevices", "Cannot list the host's PCI devices", p => new NodeDeviceHandle(p));
        try
        {
            var result = new List<NodePciDevice>(devices.Length);
            foreach (var device in devices)
            {
                var name = LibvirtNative.Borrow(LibvirtNative.virNodeDeviceGetName(device));
                var xml = LibvirtNative.Take(LibvirtNative.virNodeDeviceGetXMLDesc(device, 0))
                    ?? throw LibvirtErrors.Last("virNodeDeviceGetXMLDesc", $"Cannot read node device {name}");
                try
                {
                    if (NodeDeviceXml.ParsePci(xml) is { } parsed)
                    {
                        result.Add(parsed);
                    }
                }
                catch (DomainXmlException)
                {
                    // One unreadable device does not hide the others; libvirt writes this XML itself, so it is not expected.
                }
            }

            return result.OrderBy(d => d.Address).ToArray();
        }
        finally
        {
            foreach (var device in devices)
            {
                device.Dispose();
            }
        }
    }

    /// <summary>
    /// Takes ownership of a libvirt list: every element into a handle that frees it, then the array
    /// itself freed, before anything else can throw.
    /// </summary>
    private static T[] TakeList<T>(int count, IntPtr array, string function, string context, Func<IntPtr, T> own)
    {
        if (count < 0)
        {
            throw LibvirtErrors.Last(function, context);
        }

        var items = new T[count];
        for (var i = 0; i < count; i++)
        {
            items[i] = own(Marshal.ReadIntPtr(array, i * IntPtr.Size));
        }

        unsafe
        {
            NativeMemory.Free((void*)array);
        }

        return items;
    }

    private Guest Attach(LibvirtConnection.Lease lease, string guestName, HostDeviceAttachment attachment)
    {
        var context = $"Cannot attach {attachment.HostAddress} to {guestName}";
        using var domain = Lookup(lease, guestName, context);
        var persistent = IsPersistent(domain, context);
        var live = attachment.Live && IsActive(domain, context);
        var flags = (persistent ? LibvirtNative.AffectConfig : 0) | (live ? LibvirtNative.AffectLive : 0);
        if (flags == 0)
        {
            throw new LibvirtException(context, $"{guestName} is a transient guest (it has no persistent definition): attach it live instead",
                LibvirtErrorCode.OperationInvalid, 0, null);
        }

        var hostdev = HostDeviceXml.Create(attachment.HostAddress, attachment.Managed);
        if (LibvirtNative.virDomainAttachDeviceFlags(domain, hostdev, flags) < 0)
        {
            var error = LibvirtErrors.Last("virDomainAttachDeviceFlags", live ? context + " (live and persistent)" : context);
            if (error.Code != LibvirtErrorCode.NoSupport || live)
            {
                throw error;
            }

            // This driver cannot attach (libvirt's test driver): the same change as an edit of the persistent definition.
            DefineEdited(lease, domain, context, xml => HostDeviceXml.Add(xml, hostdev));
        }

        Announce(guestName, $"attached {attachment.HostAddress}" + (live ? " (live and persistent)" : " (persistent)"));
        return ReadGuest(domain);
    }

    private Guest Detach(LibvirtConnection.Lease lease, string guestName, PciAddress address, GuestDefinitions from)
    {
        var context = $"Cannot detach {address} from {guestName}";
        using var domain = Lookup(lease, guestName, context);
        var done = new List<string>(2);
        if (from.HasFlag(GuestDefinitions.Live) && IsActive(domain, context)
            && HostDeviceXml.Find(ReadXml(domain, 0, context), address) is { } liveElement)
        {
            LibvirtErrors.Check(LibvirtNative.virDomainDetachDeviceFlags(domain, liveElement, LibvirtNative.AffectLive),
                "virDomainDetachDeviceFlags", context + " (live)");
            done.Add("live");
        }

        if (from.HasFlag(GuestDefinitions.Persistent) && IsPersistent(domain, context))
        {
            var persistentContext = done.Count > 0 ? $"{address} was detached from the running {guestName}, but not from its persistent definition" : context;
            var xml = ReadXml(domain, LibvirtNative.DomainXmlInactive | LibvirtNative.DomainXmlSecure, persistentContext);
            if (HostDeviceXml.Find(xml, address) is { } element)
            {
                if (LibvirtNative.virDomainDetachDeviceFlags(domain, element, LibvirtNative.AffectConfig) < 0)
                {
                    var error = LibvirtErrors.Last("virDomainDetachDeviceFlags", persistentContext);
                    if (error.Code != LibvirtErrorCode.NoSupport)
                    {
                        throw error;
                    }

                    DefineEdited(lease, domain, persistentContext, x => HostDeviceXml.Remove(x, address));
                }

                done.Add("persistent");
            }
        }

        if (done.Count == 0)
        {
            var where = from switch
            {
                GuestDefinitions.Live => "the running guest",
                GuestDefinitions.Persistent => "its persistent definition",
                _ => "its live or persistent definition",
            };
            throw new LibvirtException(context, $"{address} is not in {where}", LibvirtErrorCode.DeviceMissing, 0, null);
        }

        Announce(guestName, $"detached {address} ({string.Join(" and ", done)})");
        return ReadGuest(domain);
    }

    /// <summary>
    /// Changes the persistent definition by defining an edited copy of it, for drivers without
    /// attach/detach (libvirt's test driver). Read with SECURE so passwords in it survive.
    /// </summary>
    private static void DefineEdited(LibvirtConnection.Lease lease, DomainHandle domain, string context, Func<string, string?> edit)
    {
        var xml = ReadXml(domain, LibvirtNative.DomainXmlInactive | LibvirtNative.DomainXmlSecure, context);
        string? edited;
        try
        {
            edited = edit(xml);
        }
        catch (DomainXmlException e)
        {
            throw new LibvirtException(context, e.Message, LibvirtErrorCode.XmlError, 0, null, e);
        }

        if (edited is null)
        {
            return;
        }

        using var defined = LibvirtNative.virDomainDefineXML(lease.Pointer, edited);
        if (defined.IsInvalid)
        {
            throw LibvirtErrors.Last("virDomainDefineXML", context);
        }
    }

    /// <summary>qemu announces no persistent-only change: tell subscribers ourselves.</summary>
    private void Announce(string guestName, string detail)
        => _hub.Publish(new GuestChange(GuestChangeKind.ChangedByPassthru, guestName, _timeProvider.GetUtcNow(), detail));

    private static Guest ReadGuest(DomainHandle domain)
    {
        var name = Name(domain);
        var context = $"Cannot read guest {name}";
        Guid uuid;
        unsafe
        {
            var buffer = stackalloc byte[LibvirtNative.UuidStringLength];
            LibvirtErrors.Check(LibvirtNative.virDomainGetUUIDString(domain, buffer), "virDomainGetUUIDString", context);
            uuid = Guid.Parse(Marshal.PtrToStringUTF8((IntPtr)buffer)!, CultureInfo.InvariantCulture);
        }

        LibvirtErrors.Check(LibvirtNative.virDomainGetState(domain, out var state, out _, 0), "virDomainGetState", context);
        var active = IsActive(domain, context);
        var persistent = IsPersistent(domain, context);
        var problems = new List<string>();
        return new Guest
        {
            Name = name,
            Uuid = uuid,
            State = (GuestState)state,
            IsActive = active,
            IsPersistent = persistent,
            LiveHostDevices = active ? ReadHostDevices(domain, 0, "live", context, problems) : [],
            PersistentHostDevices = persistent ? ReadHostDevices(domain, LibvirtNative.DomainXmlInactive, "persistent", context, problems) : [],
            Problems = problems,
        };
    }

    private static IReadOnlyList<GuestHostDevice> ReadHostDevices(DomainHandle domain, uint flags, string which, string context, List<string> problems)
    {
        try
        {
            var description = DomainXml.Parse(ReadXml(domain, flags, context));
            problems.AddRange(description.Warnings.Select(w => $"The {which} definition: {w}"));
            return description.HostDevices;
        }
        catch (DomainXmlException e)
        {
            problems.Add($"The {which} definition cannot be read: {e.Message}");
            return [];
        }
    }

    private static string ReadXml(DomainHandle domain, uint flags, string context)
        => LibvirtNative.Take(LibvirtNative.virDomainGetXMLDesc(domain, flags)) ?? throw LibvirtErrors.Last("virDomainGetXMLDesc", context);

    private static string Name(DomainHandle domain)
        => LibvirtNative.Borrow(LibvirtNative.virDomainGetName(domain)) ?? throw LibvirtErrors.Last("virDomainGetName", "Cannot read a guest's name");

    // The context is built before the call: building it after would call libvirt (the name) and reset the error to report.
    private static bool IsActive(DomainHandle domain, string context)
        => LibvirtErrors.Check(LibvirtNative.virDomainIsActive(domain), "virDomainIsActive", context) == 1;

    private static bool IsPersistent(DomainHandle domain, string context)
        => LibvirtErrors.Check(LibvirtNative.virDomainIsPersistent(domain), "virDomainIsPersistent", context) == 1;

    private static DomainHandle Lookup(LibvirtConnection.Lease lease, string name, string context)
        => TryLookup(lease, name, out var error) ?? throw new LibvirtException(context, error!.LibvirtMessage, error.Code, error.ErrorDomain, error.Function);

    private static DomainHandle? TryLookup(LibvirtConnection.Lease lease, string name, out LibvirtException? error)
    {
        var domain = LibvirtNative.virDomainLookupByName(lease.Pointer, name);
        if (!domain.IsInvalid)
        {
            error = null;
            return domain;
        }

        error = LibvirtErrors.Last("virDomainLookupByName", $"Cannot find guest {name}");
        domain.Dispose();
        return null;
    }
}
