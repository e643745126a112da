using Passthru.Core.Binding;
using Passthru.Core.Changes;
using Passthru.Core.History;
using Passthru.Core.Pci;
using Passthru.Core.Safety;

namespace Passthru.Core.Guests;

/// <summary>What to give to a guest: the functions, and how (persistent always; live when the guest runs; managed by libvirt or not).</summary>
/// <param name="SeenPlan">The fingerprint of the dry run the person confirmed: if the plan is different now, nothing is done.</param>
public sealed record GuestAttachRequest(string Guest, IReadOnlyList<PciAddress> Devices, bool Live, bool Managed, bool Force, Actor Actor,
    System.Net.IPAddress? ConnectionAddress = null, bool DryRun = false, string? SeenPlan = null);

/// <summary>
/// The dry run of an attach: the devices, the <c>&lt;hostdev&gt;</c> XML that will be sent, and
/// the refusals. <see cref="WholeGroup"/> is the way out when the group is not whole: its endpoints
/// that the guest does not have yet, this request's included. <see cref="HostSide"/> is what the host
/// gives up: the detach that libvirt does when the guest starts (managed), with its drivers and losses.
/// </summary>
public sealed record GuestPlan(
    string Guest,
    IReadOnlyList<PciDevice> Devices,
    bool Live,
    bool Managed,
    IReadOnlyList<Refusal> Refusals,
    IReadOnlyList<PciAddress> WholeGroup,
    IReadOnlyList<string> Xml,
    BindingPlan HostSide)
{
    public bool IsRefused(bool force) => Refusals.Any(r => !force || !r.CanOverride);

    public string RefusalSummary => Refusals.Summary();

    /// <summary>As the history shows it: <c>persistent+live, managed</c>.</summary>
    public string Mode => $"persistent{(Live ? "+live" : "")}, {(Managed ? "managed" : "unmanaged")}";

    public string Target => string.Join(", ", Devices.Select(d => d.Address));

    /// <summary>This plan as the person saw it; a run that carries it is refused if the plan is different by then.</summary>
    public string Fingerprint => field ??= PlanFingerprint.Of(
    [
        $"attach {Target} to {Guest} {Mode}{(Live ? " live" : "")}",
        HostSide.Fingerprint,
        .. Refusals.FingerprintLines(),
    ]);
}
