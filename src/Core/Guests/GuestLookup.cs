using Passthru.Core.Changes;
using Passthru.Core.Libvirt;

namespace Passthru.Core.Guests;

/// <summary>The one listing of the guests a guest change starts with, and the guest it is about.</summary>
public static class GuestLookup
{
    /// <exception cref="LibvirtUnavailableException">libvirt cannot be reached.</exception>
    /// <exception cref="UnknownTargetException">No guest has that name.</exception>
    public static async Task<(GuestsSnapshot Guests, Guest Guest)> FindGuestAsync(this ILibvirtClient libvirt, string name, CancellationToken cancellationToken)
    {
        var guests = await libvirt.ListGuestsAsync(cancellationToken);
        if (!guests.Availability.IsAvailable)
        {
            throw new LibvirtUnavailableException(guests.Availability);
        }

        var guest = guests.Guests.FirstOrDefault(g => g.Name == name) ?? throw new UnknownTargetException($"There is no guest named {name} at {libvirt.Uri}.");
        return (guests, guest);
    }
}
