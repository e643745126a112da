using Passthru.Core.History;
using Passthru.Core.Pci;

namespace Passthru.Core.Binding;

/// <summary>One device an operation would move, from which driver to which, and what the host loses.</summary>
public sealed record PlannedDevice(PciAddress Address, string Name, string? VendorId, string? DeviceId, int? Group,
    string? DriverNow, string DriverAfter, bool ChangesDriver, IReadOnlyList<HostLoss> Losses);

/// <summary>
/// The dry run: what a detach or reattach would do, shown before it is done. Refusals say why not;
/// an overridable one yields to <c>force</c> (the UI asks for typed confirmation).
/// </summary>
public sealed record BindingPlan(OperationAction Action, string Target, IReadOnlyList<PlannedDevice> Devices, IReadOnlyList<Refusal> Refusals)
{
    public bool IsRefused(bool force) => Refusals.Any(r => !force || !r.CanOverride);

    public bool HasNothingToDo => Devices.All(d => !d.ChangesDriver);

    public string RefusalSummary => string.Join(" ", Refusals.Select(r => r.Reason));
}
