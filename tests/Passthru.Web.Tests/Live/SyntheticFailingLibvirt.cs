using Passthru.Core.Libvirt;
using Passthru.Core.Pci;

namespace Passthru.Web.Tests.Live;

/// <summary>
/// A real libvirt client whose next guest list, when told, throws once with a SYNTHETIC exception (the
/// real client reports libvirt being down in the snapshot instead; this stands for a bug or a surprise).
/// </summary>
public sealed class SyntheticFailingLibvirt(ILibvirtClient real) : ILibvirtClient
{
    private string? _failure;

    public void FailNextList(string message) => Volatile.Write(ref _failure, message);

    public Task<GuestsSnapshot> ListGuestsAsync(CancellationToken cancellationToken = default)
        => Interlocked.Exchange(ref _failure, null) is { } message
            ? throw new InvalidOperationException(message)
            : real.ListGuestsAsync(cancellationToken);

    public string Uri => real.Uri;

    public LibvirtAvailability Availability => real.Availability;

    public Task<LibvirtAvailability> CheckAvailabilityAsync(CancellationToken cancellationToken = default) => real.CheckAvailabilityAsync(cancellationToken);

    public GuestChangeSubscription SubscribeToChanges() => real.SubscribeToChanges();

    public Task<Guest?> GetGuestAsync(string name, CancellationToken cancellationToken = default) => real.GetGuestAsync(name, cancellationToken);

    public Task<Guest> AttachHostDeviceAsync(string guestName, HostDeviceAttachment attachment, CancellationToken cancellationToken = default)
        => real.AttachHostDeviceAsync(guestName, attachment, cancellationToken);

    public Task<Guest> DetachHostDeviceAsync(string guestName, PciAddress hostAddress, GuestDefinitions from, CancellationToken cancellationToken = default)
        => real.DetachHostDeviceAsync(guestName, hostAddress, from, cancellationToken);

    public Task StartGuestAsync(string name, CancellationToken cancellationToken = default) => real.StartGuestAsync(name, cancellationToken);

    public Task ShutdownGuestAsync(string name, CancellationToken cancellationToken = default) => real.ShutdownGuestAsync(name, cancellationToken);

    public Task DestroyGuestAsync(string name, CancellationToken cancellationToken = default) => real.DestroyGuestAsync(name, cancellationToken);

    public Task<IReadOnlyList<NodePciDevice>> ListPciNodeDevicesAsync(CancellationToken cancellationToken = default) => real.ListPciNodeDevicesAsync(cancellationToken);
}
