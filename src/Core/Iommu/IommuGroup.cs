using Passthru.Core.Pci;

namespace Passthru.Core.Iommu;

/// <summary>
/// An IOMMU group: the smallest set of devices the IOMMU can isolate from the rest of the host.
/// A guest gets devices group by group; every member must be on vfio-pci (or driverless) first.
/// </summary>
public sealed record IommuGroup
{
    public required int Number { get; init; }

    /// <summary>The default domain type from <c>type</c>: <c>identity</c> (iommu=pt), <c>DMA</c>, <c>DMA-FQ</c>, <c>blocked</c>; null if unreadable.</summary>
    public string? Type { get; init; }

    public required IReadOnlyList<PciAddress> Members { get; init; }

    /// <summary>Why the members share the group (empty for a group of one).</summary>
    public required IReadOnlyList<IsolationReason> SharedBecause { get; init; }

    /// <summary>Whether a guest could use the group right now: no member is held by a host driver.</summary>
    public required bool IsViable { get; init; }
}
