using Passthru.Core.Advice;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;

namespace Passthru.Core.Guests;

/// <summary>A guest whose definition holds a device and everything that blocks it: the group is whole for it.</summary>
/// <param name="Managed">Every one of those functions is managed: libvirt moves them to vfio-pci when the guest starts.</param>
public sealed record GuestReadiness(Guest Guest, bool Managed)
{
    /// <summary>
    /// A device that is blocked by its group only until the guest starts: that guest's definition has the
    /// device and every blocker (the whole group). Null when no guest has the whole group, or the device
    /// is not blocked by its group.
    /// </summary>
    public static GuestReadiness? Of(PciDevice device, PassthroughAssessment assessment, GuestsSnapshot? guests)
    {
        if (assessment.Verdict != PassthroughVerdict.BlockedByGroup || guests is not { Availability.IsAvailable: true })
        {
            return null;
        }

        var needed = assessment.Blockers.Select(b => b.Address).Append(device.Address).ToArray();
        foreach (var guest in guests.Guests.OrderBy(g => g.Name, StringComparer.Ordinal))
        {
            var definition = guest.PersistentHostDevices.Count > 0 ? guest.PersistentHostDevices : guest.LiveHostDevices;
            var held = needed.Select(a => definition.FirstOrDefault(d => d.HostAddress == a)).ToArray();
            if (held.All(d => d is not null))
            {
                return new GuestReadiness(guest, held.All(d => d!.Managed));
            }
        }

        return null;
    }

    /// <summary>What the device page says instead of "blocked by group".</summary>
    public string Summary(PciDevice device) => Managed
        ? $"{device.Address} is ready for {Guest.Name}: its definition has the whole IOMMU group, and libvirt switches the drivers to vfio-pci when it starts."
        : $"{device.Address} is in {Guest.Name}'s definition with the whole IOMMU group, unmanaged: detach the group to vfio-pci before {Guest.Name} starts, or it will not start.";
}
