using System.Net;
using Passthru.Core.History;
using Passthru.Core.Pci;

namespace Passthru.Core.Binding;

/// <summary>A detach or reattach of one device, or of an IOMMU group's endpoints.</summary>
/// <param name="Actor">Who asked, and from where.</param>
/// <param name="ExpectedIds">What the user saw at each address (<c>8086:293e</c>), checked before anything is written.</param>
/// <param name="ConnectionAddress">The local address of the request's connection; the interface carrying it is never taken.</param>
public sealed record BindingRequest(
    OperationAction Action,
    PciAddress? Device,
    int? Group,
    Actor Actor,
    bool DryRun = false,
    bool Force = false,
    IReadOnlyDictionary<PciAddress, string>? ExpectedIds = null,
    IPAddress? ConnectionAddress = null)
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
}
