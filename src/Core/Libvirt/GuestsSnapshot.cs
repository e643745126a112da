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

    /// <summary>
    /// Which guests use each host bridge (bridge → guest names, in name order): what the host-use rules
    /// name when a NIC under that bridge would leave (<c>HostUsage.Read(root, guests.BridgeUsers())</c>).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> BridgeUsers()
        => Guests.SelectMany(g => g.Bridges, (g, bridge) => (Bridge: bridge, g.Name))
            .GroupBy(use => use.Bridge, StringComparer.Ordinal)
            .ToDictionary(uses => uses.Key, uses => (IReadOnlyList<string>)uses.Select(u => u.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(),
                StringComparer.Ordinal);

    /// <summary>The running guest whose live definition holds <paramref name="address"/>: the one using it now, or null.</summary>
    public Guest? RunningGuestWith(PciAddress address)
        => Guests.FirstOrDefault(g => g.IsActive && g.LiveHostDevices.Any(d => d.HostAddress == address));
}
