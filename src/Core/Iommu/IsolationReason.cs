using Passthru.Core.Pci;

namespace Passthru.Core.Iommu;

public enum IsolationReasonKind
{
    /// <summary>A multifunction device whose functions lack ACS: they may talk to each other, so they share a group.</summary>
    MultifunctionWithoutAcs,

    /// <summary>A root or downstream port above the device lacks ACS (or has it disabled): everything below it shares a group.</summary>
    PortWithoutAcs,

    /// <summary>A conventional PCI bus: devices behind a PCIe-to-PCI bridge use the bridge's requester ID.</summary>
    ConventionalPciBridge,

    /// <summary>The config space needed to tell could not be read (not root, or the device vanished).</summary>
    Unknown,

    /// <summary>The kernel grouped devices for a reason config space does not show (a quirk or a platform rule).</summary>
    KernelRule,
}

/// <summary>
/// Why devices share an IOMMU group, derived from config space by the rules the kernel applies
/// (drivers/iommu/iommu.c, pci_device_group): DMA aliases, ACS on every port up to the root,
/// and ACS between the functions of one slot.
/// </summary>
public sealed record IsolationReason(IsolationReasonKind Kind, PciAddress? Culprit, IReadOnlyList<PciAddress> Affected, string Explanation);
