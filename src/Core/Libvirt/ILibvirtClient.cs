using Passthru.Core.Pci;

namespace Passthru.Core.Libvirt;

/// <summary>
/// The guests (libvirt domains) of this host and their PCI passthrough devices. One instance per
/// process (a singleton): it keeps one connection, reconnects after a libvirtd restart, and runs
/// libvirt's blocking calls off the caller's thread.
/// </summary>
/// <remarks>
/// libvirt being absent or down is an ordinary state, not an error: <see cref="ListGuestsAsync"/>
/// never throws for it and reports <see cref="GuestsSnapshot.Availability"/> instead. The other
/// methods throw <see cref="LibvirtUnavailableException"/> then, and <see cref="LibvirtException"/>
/// (libvirt's code and message) when libvirt refuses; a cancellation token stops waiting for a free
/// call slot, not a libvirt call already running.
/// </remarks>
public interface ILibvirtClient
{
    /// <summary>The connection URI (<c>Passthru:LibvirtUri</c>, default <c>qemu:///system</c>).</summary>
    string Uri { get; }

    /// <summary>What is known now, without connecting (<see cref="LibvirtStatus.NotChecked"/> before first use).</summary>
    LibvirtAvailability Availability { get; }

    /// <summary>Connects if needed (not more often than the retry pause allows) and says whether libvirt can be used.</summary>
    Task<LibvirtAvailability> CheckAvailabilityAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Changes from now on: libvirt's lifecycle and device events, Passthru's own edits (which qemu
    /// does not announce), connection loss and return. Dispose the subscription when done. While any
    /// subscription is open, a lost connection is reopened in the background so events resume.
    /// </summary>
    GuestChangeSubscription SubscribeToChanges();

    /// <summary>Every guest, active and inactive, with the PCI devices of its live and persistent definitions. Never throws for libvirt being unavailable.</summary>
    Task<GuestsSnapshot> ListGuestsAsync(CancellationToken cancellationToken = default);

    /// <summary>One guest read afresh, or null if libvirt has no guest of that name.</summary>
    Task<Guest?> GetGuestAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives the guest a host PCI function: always in the persistent definition, and also live when
    /// <see cref="HostDeviceAttachment.Live"/> and the guest runs (libvirt then does both or neither).
    /// Returns the guest read back afterwards.
    /// </summary>
    Task<Guest> AttachHostDeviceAsync(string guestName, HostDeviceAttachment attachment, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes a host PCI function from the chosen definitions, each by its own element (live and
    /// persistent guest-side addresses differ). A definition without it is skipped; if none of the
    /// chosen ones has it, <see cref="LibvirtErrorCode.DeviceMissing"/>. Returns the guest read back.
    /// A live detach waits for the guest to let go only a few seconds: a DeviceRemoved change follows if it takes longer.
    /// </summary>
    Task<Guest> DetachHostDeviceAsync(string guestName, PciAddress hostAddress, GuestDefinitions from, CancellationToken cancellationToken = default);

    /// <summary>Starts a defined guest (<c>virsh start</c>).</summary>
    Task StartGuestAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Asks the guest OS to shut down (ACPI; returns before it has).</summary>
    Task ShutdownGuestAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Forces the guest off at once, like pulling the plug (<c>virsh destroy</c>); its definition stays.</summary>
    Task DestroyGuestAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The host's PCI functions as libvirt's node-device driver lists them.</summary>
    Task<IReadOnlyList<NodePciDevice>> ListPciNodeDevicesAsync(CancellationToken cancellationToken = default);
}
