using Passthru.Core.Pci;

namespace Passthru.Core.Advice;

public enum PassthroughVerdict
{
    /// <summary>On vfio-pci and its group is viable: a guest can take it now.</summary>
    Ready,

    /// <summary>Can be passed alone: nothing else in its group is held by a host driver.</summary>
    CanPassAlone,

    /// <summary>Other members of its group are held by host drivers.</summary>
    BlockedByGroup,

    /// <summary>Cannot be passed at all: a bridge, or no IOMMU group.</summary>
    NotPassable,
}

public enum WayOutKind
{
    PassWholeGroup,
    MoveCard,
    AcsOverride,
    EnableIommu,
    PassDevicesBehindBridge,
}

/// <summary>One way to make a device passable, with what it costs.</summary>
public sealed record WayOut(WayOutKind Kind, string Title, string Details, IReadOnlyList<PciAddress> Devices);

/// <summary>Whether one device (or a chosen set) can be given to a guest, why not, and what to do.</summary>
public sealed record PassthroughAssessment(
    PassthroughVerdict Verdict,
    string Summary,
    IReadOnlyList<PciDevice> Blockers,
    IReadOnlyList<string> Cautions,
    IReadOnlyList<WayOut> WaysOut);
