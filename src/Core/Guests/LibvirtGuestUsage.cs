using Passthru.Core.Libvirt;
using Passthru.Core.Pci;

namespace Passthru.Core.Guests;

/// <summary>The running guests' devices, as libvirt reports them; nothing when libvirt is not there (then no guest can hold one).</summary>
public sealed class LibvirtGuestUsage(ILibvirtClient libvirt) : IGuestDeviceUsage
{
    public async Task<IReadOnlyDictionary<PciAddress, string>> RunningHoldersAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = await libvirt.ListGuestsAsync(cancellationToken);
        return RunningHolders(snapshot);
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
