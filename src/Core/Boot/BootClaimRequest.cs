using System.Net;
using Passthru.Core.History;
using Passthru.Core.Pci;

namespace Passthru.Core.Boot;

/// <summary>A claim at boot of one device or of an IOMMU group's endpoints, or the release of one device's claim.</summary>
/// <param name="ConnectionAddress">Where the request's connection meets this host: the interface carrying it is never claimed.</param>
/// <param name="SeenPlan">The fingerprint of the dry run the person confirmed: if the plan is different now, nothing is done.</param>
public sealed record BootClaimRequest(
    OperationAction Action,
    PciAddress? Device,
    int? Group,
    Actor Actor,
    bool DryRun = false,
    bool Force = false,
    IPAddress? ConnectionAddress = null,
    string? SeenPlan = null)
{
    public string Target => Device?.ToString() ?? $"group {Group}";
}

/// <summary>What a claim or release did; a dry run has a plan and no status.</summary>
public sealed record BootClaimResult(BootClaimPlan Plan, OperationStatus? Status, string Message, long? OperationId)
{
    public bool IsDryRun => Status is null;

    /// <summary>Refused because the plan differs from the one the person saw: nothing was done or journaled.</summary>
    public bool PlanChanged { get; init; }
}
