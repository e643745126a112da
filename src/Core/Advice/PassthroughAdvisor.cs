using Passthru.Core.Iommu;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;

namespace Passthru.Core.Advice;

/// <summary>Explains, for a device or a set of devices, whether a guest can have it and what to do if not.</summary>
public static class PassthroughAdvisor
{
    public static PassthroughAssessment Assess(HostSnapshot host, PciDevice device) => Assess(host, [device]);

    public static PassthroughAssessment Assess(HostSnapshot host, IReadOnlyList<PciDevice> selection)
    {
        ArgumentOutOfRangeException.ThrowIfZero(selection.Count);
        var first = selection[0];
        var names = string.Join(", ", selection.Select(d => d.Address));

        if (selection.FirstOrDefault(d => d.IsBridge) is { } bridge)
        {
            var behind = host.Devices.Where(d => d.ParentChain.Contains(bridge.Address) && !d.IsBridge).Select(d => d.Address).ToArray();
            return new PassthroughAssessment(PassthroughVerdict.NotPassable,
                $"{bridge.Address} is a bridge or port: it routes traffic for the devices behind it and cannot be given to a guest (vfio-pci refuses to bind bridges).",
                [], [],
                behind.Length == 0 ? [] : [new WayOut(WayOutKind.PassDevicesBehindBridge, "Pass the devices behind it",
                    "Give the guest the endpoints behind this bridge instead.", behind)]);
        }

        if (selection.FirstOrDefault(d => d.ChipsetRole is not null) is { } chipset)
        {
            return new PassthroughAssessment(PassthroughVerdict.NotPassable,
                $"{chipset.Address} is {ChipsetFunction.Explain(chipset.ChipsetRole!.Value)}.", [], [], []);
        }

        if (selection.FirstOrDefault(d => d.IommuGroup is null) is { } ungrouped)
        {
            return new PassthroughAssessment(PassthroughVerdict.NotPassable,
                $"{ungrouped.Address} is in no IOMMU group: the IOMMU is off or not supported, so no device can be passed through.",
                [], [],
                [new WayOut(WayOutKind.EnableIommu, "Turn the IOMMU on",
                    "Enable VT-d (Intel) or AMD-Vi/IOMMU in the firmware setup, and the kernel parameters shown on the Host page.", [])]);
        }

        var selected = selection.Select(d => d.Address).ToHashSet();
        var groups = selection.Select(d => d.IommuGroup!.Value).Distinct().ToArray();
        var members = host.Devices.Where(d => d.IommuGroup is { } g && groups.Contains(g)).ToArray();
        var blockers = Viability.Blockers(members, selected);
        var cautions = Cautions(host, selection, members, selected);

        if (blockers.Count == 0)
        {
            var ready = selection.All(d => d.IsBoundToVfio) && Viability.IsViableNow(members);
            return new PassthroughAssessment(
                ready ? PassthroughVerdict.Ready : PassthroughVerdict.CanPassAlone,
                ready
                    ? $"{names} is on vfio-pci and its group is viable: a guest can use it now."
                    : $"{names} can be passed alone: nothing else in IOMMU group {string.Join(", ", groups)} is held by a host driver.",
                [], cautions, []);
        }

        var blockerList = string.Join(", ", blockers.Select(b => $"{b.Address} {b.DisplayName} (driver {b.Driver})"));
        return new PassthroughAssessment(PassthroughVerdict.BlockedByGroup,
            $"{names} cannot be passed alone: IOMMU group {string.Join(", ", groups)} also holds {blockerList}. " +
            "A guest can only use a group once every member is on vfio-pci or has no driver.",
            blockers, cautions, WaysOut(host, first, members, selected, blockers));
    }

    private static IReadOnlyList<WayOut> WaysOut(HostSnapshot host, PciDevice device, IReadOnlyList<PciDevice> members,
        IReadOnlySet<PciAddress> selected, IReadOnlyList<PciDevice> blockers)
    {
        var ways = new List<WayOut>();
        var companions = members.Where(m => !m.IsBridge && !selected.Contains(m.Address)).Select(m => m.Address).ToArray();
        var hostUse = blockers.SelectMany(b => b.HostInterfaces.Select(i => $"{i} on {b.Address}")).ToArray();
        ways.Add(new WayOut(WayOutKind.PassWholeGroup, "Pass the whole group",
            $"Give the guest {string.Join(", ", companions)} as well; the host loses them while the guest runs." +
            (hostUse.Length > 0 ? $" The host currently uses {string.Join(", ", hostUse)} through them." : ""),
            companions));

        var reasons = host.GroupOf(device)?.SharedBecause ?? [];
        if (reasons.Any(r => r.Kind is IsolationReasonKind.PortWithoutAcs or IsolationReasonKind.ConventionalPciBridge))
        {
            ways.Add(new WayOut(WayOutKind.MoveCard, "Move the card to another slot",
                "The group is shared because of the port or bridge the card sits behind. A slot wired to the CPU's own root ports " +
                "(usually the first x16 slot) often has ACS and gives the card a group of its own; the Host page's groups show which slots do.",
                []));
        }

        var overrideActive = host.CommandLine.AcsOverride is not null;
        ways.Add(new WayOut(WayOutKind.AcsOverride, overrideActive ? "ACS override is already on" : "ACS override (last resort)",
            (overrideActive
                ? $"This kernel was booted with pcie_acs_override={host.CommandLine.AcsOverride}, yet the group is still shared. "
                : "A kernel with the ACS override patch (linux-zen, Proxmox's and some others ship it) booted with " +
                  "pcie_acs_override=downstream,multifunction splits the group. ") +
            "Risk: the devices are not really isolated. They can still reach each other and the host's memory by peer-to-peer DMA, " +
            "so a guest that misbehaves, or a device it controls, can read or corrupt what the other devices (and the host through them) hold. " +
            "Use it only with guests you trust.",
            []));
        return ways;
    }

    private static IReadOnlyList<string> Cautions(HostSnapshot host, IReadOnlyList<PciDevice> selection,
        IReadOnlyList<PciDevice> members, IReadOnlySet<PciAddress> selected)
    {
        var cautions = new List<string>();
        foreach (var device in selection)
        {
            if (device.ResetMethods.Count == 0 && device.Warnings.All(w => !w.StartsWith("reset_method", StringComparison.Ordinal)))
            {
                cautions.Add($"{device.Address} has no reset method: the guest gets it in whatever state the host left it, and qemu warns it cannot reset it.");
            }

            if (device.BootVga == true)
            {
                cautions.Add($"{device.Address} is the boot display: the host console is on it until it is detached.");
            }

            if (device.HostInterfaces.Count > 0)
            {
                cautions.Add($"The host uses {string.Join(", ", device.HostInterfaces)} through {device.Address}: it loses them while a guest has the device.");
            }
        }

        var passengers = members.Where(m => !selected.Contains(m.Address) && !m.IsBridge && !Viability.Blocks(m)).Select(m => m.Address).ToArray();
        if (passengers.Length > 0)
        {
            cautions.Add($"{string.Join(", ", passengers)} share the group without a host driver; they stay unusable by the host while the guest runs.");
        }

        return cautions;
    }
}
