using Passthru.Core.Changes;
using Passthru.Core.Pci;

namespace Passthru.Core.Safety;

public enum RefusalKind
{
    /// <summary>Bridges and ports route traffic for the devices behind them; vfio-pci does not bind them.</summary>
    Bridge,

    /// <summary>No IOMMU group: vfio-pci cannot hand the device to a guest.</summary>
    NoIommuGroup,

    /// <summary>The card at the address is not the one the user saw.</summary>
    DeviceChanged,

    /// <summary>The host needs something it uses through the device (a mounted disk, swap, the default route, the console, a keyboard).</summary>
    InUseByHost,

    /// <summary>The dashboard's own connection runs through the device. Never overridable.</summary>
    DashboardConnection,

    /// <summary>A running guest has the device: taking it away (or giving it to another guest) would pull it from under that guest.</summary>
    HeldByRunningGuest,

    /// <summary>Other devices of the group stay on host drivers: VFIO refuses a group that is not whole, so the guest would not start.</summary>
    GroupNotViable,

    /// <summary>An unmanaged hostdev must already be on vfio-pci: libvirt will not move it.</summary>
    NotOnVfio,

    /// <summary>The guest's definition has the device already.</summary>
    AlreadyInGuest,

    /// <summary>A function of the chipset the host runs on (host bridge, ISA/LPC bridge, SMBus). Never overridable.</summary>
    ChipsetFunction,
}

/// <summary>Why an operation will not be done, and whether a deliberate override may do it anyway.</summary>
public sealed record Refusal(RefusalKind Kind, PciAddress Device, string Reason, bool CanOverride);

public static class Refusals
{
    /// <summary>What <c>force</c> overrides in a plan with these refusals; null when not forced or when nothing needed it.</summary>
    public static PlanOverride? OverriddenBy(this IReadOnlyList<Refusal> refusals, bool force, string fingerprint)
    {
        var overridden = refusals.Where(r => r.CanOverride).Select(r => r.Reason).ToArray();
        return force && overridden.Length > 0 ? new PlanOverride(overridden, fingerprint) : null;
    }

    /// <summary>The reasons, one after another, as a refusal's message gives them.</summary>
    public static string Summary(this IEnumerable<Refusal> refusals) => string.Join(" ", refusals.Select(r => r.Reason));

    /// <summary>
    /// What a run says when the plan is no longer the one the person saw: what refuses it now, or else what it would
    /// do now (<paramref name="wouldDo"/>, when the caller can say), and that nothing was done.
    /// </summary>
    public static string PlanChangedMessage(this IReadOnlyCollection<Refusal> refusalsNow, string? wouldDo = null)
    {
        var now = refusalsNow.Count > 0 ? $"now {refusalsNow.Summary()}" : wouldDo is null ? "look at it again." : $"now it would do this. {wouldDo}";
        return $"The plan changed since it was shown: {now} Nothing was done; look at the new plan before you go on.";
    }

    /// <summary>The lines of a plan's fingerprint that its refusals contribute.</summary>
    public static IEnumerable<string> FingerprintLines(this IReadOnlyList<Refusal> refusals)
        => refusals.Select(r => $"refusal {r.Kind} {r.Device} {r.CanOverride} {r.Reason}");
}
