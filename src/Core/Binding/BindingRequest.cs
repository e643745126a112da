using System.Net;
using Passthru.Core.History;
using Passthru.Core.Pci;

namespace Passthru.Core.Binding;

/// <summary>A detach or reattach of one device, or of an IOMMU group's endpoints.</summary>
/// <param name="Actor">Who asked, and from where.</param>
/// <param name="ExpectedIds">What the user saw at each address (<c>8086:293e</c>), checked before anything is written.</param>
/// <param name="ConnectionAddress">Where the request's connection meets this host's network (see <see cref="Safety.DetachRules"/>); the interface carrying it is never taken.</param>
/// <param name="SeenPlan">The fingerprint of the dry run the person confirmed: if the plan is different now, nothing is done.</param>
public sealed record BindingRequest(
    OperationAction Action,
    PciAddress? Device,
    int? Group,
    Actor Actor,
    bool DryRun = false,
    bool Force = false,
    IReadOnlyDictionary<PciAddress, string>? ExpectedIds = null,
    IPAddress? ConnectionAddress = null,
    string? SeenPlan = null)
{
    public string Target => Device?.ToString() ?? $"group {Group}";
}

/// <summary>What an operation did: the plan it followed, its outcome, and each device's driver afterwards.</summary>
public sealed record BindingResult(
    BindingPlan Plan,
    OperationStatus? Status,
    string Message,
    long? OperationId,
    IReadOnlyDictionary<PciAddress, string?> DriversAfter)
{
    /// <summary>A dry run has a plan and no status: nothing was written.</summary>
    public bool IsDryRun => Status is null;

    /// <summary>Refused because the plan differs from the one the person saw (<see cref="BindingRequest.SeenPlan"/>): nothing was done or journaled; <see cref="Plan"/> is the new one.</summary>
    public bool PlanChanged { get; init; }

    /// <summary>For a dry run: the change that is running now, if any (the plan is from the state before it ends).</summary>
    public string? ChangeInProgress { get; init; }
}
