namespace Passthru.Core.Libvirt;

/// <summary>
/// Something changed: re-read <see cref="GuestName"/> (or, when it is null, every guest). A hint to
/// re-read, not a state to apply: libvirt's events say what happened, the XML says what is.
/// </summary>
public sealed record GuestChange(GuestChangeKind Kind, string? GuestName, DateTimeOffset At, string? Detail = null)
{
    /// <summary>Not about one guest: the connection came or went, or changes were missed. Re-read everything.</summary>
    public bool AffectsAllGuests => GuestName is null;
}

public enum GuestChangeKind
{
    // libvirt lifecycle events (VIR_DOMAIN_EVENT_*), in libvirt's order.
    Defined,
    Undefined,
    Started,
    Suspended,
    Resumed,
    Stopped,
    ShutDown,
    PmSuspended,
    Crashed,

    // Device events: a live attach or detach completed in the guest (or the guest refused a removal).
    DeviceAdded,
    DeviceRemoved,
    DeviceRemovalFailed,

    /// <summary>Passthru changed the guest's definition itself (qemu sends no event for a persistent-only attach or detach).</summary>
    ChangedByPassthru,

    /// <summary>A connection to libvirt opened (first time or after a loss).</summary>
    Connected,

    /// <summary>The connection was lost (daemon stopped or restarted); the availability says why.</summary>
    Disconnected,

    /// <summary>This subscriber fell behind and changes were dropped.</summary>
    EventsMissed,

    /// <summary>An event this version does not name (a newer libvirt's); still a reason to re-read the guest.</summary>
    Other,
}
