using Passthru.Core.Pci;

namespace Passthru.Core.Iommu;

/// <summary>
/// The kernel's rule for using a group in a guest (vfio's group viability): every member must be
/// bound to vfio-pci or pci-stub, or have no driver. Bridges and ports do not count: they do no
/// DMA of their own (the lab showed a driverless PCIe-to-PCI bridge does not block its group).
/// </summary>
public static class Viability
{
    /// <summary>Members outside <paramref name="selection"/> that would stop the group from being used.</summary>
    public static IReadOnlyList<PciDevice> Blockers(IEnumerable<PciDevice> groupMembers, IReadOnlySet<PciAddress> selection)
        => groupMembers.Where(m => !selection.Contains(m.Address) && Blocks(m)).OrderBy(m => m.Address).ToArray();

    /// <summary>Whether the group is usable as it stands now.</summary>
    public static bool IsViableNow(IEnumerable<PciDevice> groupMembers) => !groupMembers.Any(Blocks);

    /// <summary>A member blocks when a host driver other than vfio-pci, pci-stub or pcieport holds it.</summary>
    public static bool Blocks(PciDevice member)
        => !member.IsBridge && member.Driver is { } driver && !VfioDrivers.AllowsViableGroup(driver);
}
