using Passthru.Core.Changes;
using Passthru.Core.History;
using Passthru.Core.Pci;
using Passthru.Core.Safety;

namespace Passthru.Core.Binding;

/// <summary>One device an operation would move, from which driver to which, and what the host loses.</summary>
public sealed record PlannedDevice(PciAddress Address, string Name, string? VendorId, string? DeviceId, int? Group,
    string? DriverNow, string DriverAfter, bool ChangesDriver, IReadOnlyList<HostLoss> Losses)
{
    internal IEnumerable<string> FingerprintLines()
        => [$"device {Address} [{VendorId}:{DeviceId}] group {Group} {DriverNow} -> {DriverAfter} {ChangesDriver}", .. Losses.Select(l => $"loses {l.Kind} {l.Details}: {string.Join("; ", l.InUse)}")];
}

/// <summary>
/// The dry run: what a detach or reattach would do, shown before it is done. Refusals say why not;
/// an overridable one yields to <c>force</c> (the UI asks for typed confirmation).
/// </summary>
public sealed record BindingPlan(OperationAction Action, string Target, IReadOnlyList<PlannedDevice> Devices, IReadOnlyList<Refusal> Refusals)
{
    public bool IsRefused(bool force) => Refusals.Any(r => !force || !r.CanOverride);

    public bool HasNothingToDo => Devices.All(d => !d.ChangesDriver);

    public string RefusalSummary => Refusals.Summary();

    /// <summary>The devices as the journal keeps them: each with its driver before the change.</summary>
    public OperationDevice[] JournaledDevices() => Devices.Select(d => new OperationDevice(d.Address, d.VendorId, d.DeviceId, d.Group, d.DriverNow)).ToArray();

    /// <summary>This plan as the person saw it; a run that carries it is refused if the plan is different by then.</summary>
    public string Fingerprint => field ??= PlanFingerprint.Of(
    [
        $"{Action} {Target}",
        .. Devices.SelectMany(d => d.FingerprintLines()),
        .. Refusals.FingerprintLines(),
    ]);
}
