using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.Core.Safety;

namespace Passthru.Core.Guests;

/// <summary>The guests' use of the host, as libvirt reports it; nothing when libvirt is not there (then no guest can hold a device).</summary>
public sealed class LibvirtGuestUsage(ILibvirtClient libvirt) : IGuestUse
{
    public async Task<GuestUse> ReadAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = await libvirt.ListGuestsAsync(cancellationToken);
        return new GuestUse(RunningHolders(snapshot), snapshot.BridgeUsers());
    }

    public static IReadOnlyDictionary<PciAddress, string> RunningHolders(GuestsSnapshot snapshot)
    {
        var holders = new Dictionary<PciAddress, string>();
        foreach (var guest in snapshot.Guests.Where(g => g.IsActive))
        {
            foreach (var device in guest.LiveHostDevices)
            {
                holders.TryAdd(device.HostAddress, guest.Name);
            }
        }

        return holders;
    }
}
