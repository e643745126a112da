using Passthru.Core.Pci;

namespace Passthru.Core.Libvirt;

/// <summary>
/// Every guest at one moment, or why there are none to show: libvirt unavailable (see
/// <see cref="Availability"/>), or connected but the listing failed (<see cref="Error"/>, libvirt's words).
/// </summary>
public sealed record GuestsSnapshot(LibvirtAvailability Availability, IReadOnlyList<Guest> Guests, DateTimeOffset ReadAt, string? Error = null)
{
    /// <summary>The guests whose live or persistent definition holds <paramref name="address"/>.</summary>
    public IReadOnlyList<Guest> GuestsUsing(PciAddress address) => Guests.Where(g => g.Uses(address)).ToArray();

    /// <summary>The running guest whose live definition holds <paramref name="address"/>: the one using it now, or null.</summary>
    public Guest? RunningGuestWith(PciAddress address)
        => Guests.FirstOrDefault(g => g.IsActive && g.LiveHostDevices.Any(d => d.HostAddress == address));
}
