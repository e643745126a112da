using Passthru.Core.Pci;

namespace Passthru.Core.Libvirt;

/// <summary>A PCI function as libvirt's node-device driver sees it (<c>virsh nodedev-dumpxml pci_…</c>).</summary>
public sealed record NodePciDevice(
    string Name,
    PciAddress Address,
    string? Driver,
    string? VendorId,
    string? Vendor,
    string? ProductId,
    string? Product,
    int? IommuGroup);
