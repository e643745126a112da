using Passthru.Core.Binding;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.Core.Safety;
using Passthru.Core.Scanning;

namespace Passthru.Core.Guests;

/// <summary>
/// The rules for giving host functions to a guest. A managed hostdev is moved to vfio-pci by libvirt
/// when the guest starts, so the host-safety rules of a detach apply to it; the group must be whole
/// (every other endpoint on vfio-pci or without a driver, or going to this guest too), because VFIO
/// refuses a partial group and the guest would not start ("group N is not viable"); and a function a
/// running guest has cannot go to another.
/// </summary>
public static class GuestAttachPlanner
{
    public static GuestPlan Plan(HostSnapshot host, HostUsage usage, GuestsSnapshot guests, Guest guest, GuestAttachRequest request, IReadOnlyList<PciDevice> devices)
    {
        var refusals = new List<Refusal>();
        var live = request.Live && guest.IsActive;
        var requested = devices.Select(d => d.Address).ToHashSet();
        var inGuest = guest.HostDevices.Select(d => d.HostAddress).ToHashSet();

        // What a detach to vfio-pci would refuse, libvirt's own detach at start would do just the same.
        var hostSide = BindingPlanner.PlanDetach(host, usage, request.Guest, devices, null, request.ConnectionAddress);
        refusals.AddRange(hostSide.Refusals);
        foreach (var device in devices)
        {
            if (inGuest.Contains(device.Address))
            {
                refusals.Add(new Refusal(RefusalKind.AlreadyInGuest, device.Address,
                    $"{device.Address} is in {guest.Name}'s definition already.", CanOverride: false));
            }

            if (!request.Managed && !device.IsBoundToVfio)
            {
                refusals.Add(new Refusal(RefusalKind.NotOnVfio, device.Address,
                    $"{device.Address} is on {device.Driver ?? "no driver"}: an unmanaged hostdev must be on vfio-pci first (detach it to vfio-pci, or attach it managed).",
                    CanOverride: false));
            }

            if (guests.RunningGuestWith(device.Address) is { } holder && holder.Name != guest.Name)
            {
                refusals.Add(new Refusal(RefusalKind.HeldByRunningGuest, device.Address,
                    $"{device.Address} is in use by the running guest {holder.Name}: detach it from {holder.Name} first.", CanOverride: false));
            }
        }

        var wholeGroup = new List<PciAddress>();
        foreach (var group in devices.Select(host.GroupOf).OfType<Iommu.IommuGroup>().DistinctBy(g => g.Number))
        {
            var endpoints = host.MembersOf(group).Where(m => !m.IsBridge).ToArray();
            var blockers = endpoints
                .Where(m => !requested.Contains(m.Address) && !inGuest.Contains(m.Address) && m.Driver is not null && !m.IsBoundToVfio)
                .ToArray();
            if (blockers.Length == 0)
            {
                continue;
            }

            wholeGroup.AddRange(endpoints.Where(m => !inGuest.Contains(m.Address)).Select(m => m.Address));
            refusals.Add(new Refusal(RefusalKind.GroupNotViable, devices.First(d => d.IommuGroup == group.Number).Address,
                $"IOMMU group {group.Number} is not whole: {string.Join(", ", blockers.Select(b => $"{b.Address} ({b.Driver})"))} " +
                $"{(blockers.Length == 1 ? "stays" : "stay")} on the host, and VFIO gives a guest only a whole group, so {guest.Name} would not start " +
                "(libvirt: \"group is not viable\"). Attach the whole group, or detach those devices to vfio-pci first.",
                CanOverride: false));
        }

        return new GuestPlan(guest.Name, devices, live, request.Managed, refusals, wholeGroup.Distinct().Order().ToArray(),
            devices.Select(d => HostDeviceXml.Create(d.Address, request.Managed)).ToArray(), hostSide);
    }
}
