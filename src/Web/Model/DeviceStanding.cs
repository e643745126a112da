using MudBlazor;
using Passthru.Core.Advice;
using Passthru.Core.Guests;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.Core.Safety;
using Passthru.Core.Scanning;

namespace Passthru.Web.Model;

/// <summary>
/// Where a device stands, as the groups and device pages show it: the passthrough verdict, the
/// guest whose definition makes it ready (the whole group is there), and what the host needs
/// through it (a detach is refused unless overridden).
/// </summary>
/// <param name="UsedBy">The running guest that has the device now, if any.</param>
public sealed record DeviceStanding(PciDevice Device, PassthroughAssessment Assessment, GuestReadiness? ReadyFor, IReadOnlyList<string> HostNeeds, string? UsedBy = null)
{
    public static DeviceStanding Of(HostSnapshot host, PciDevice device, HostUsage usage, GuestsSnapshot? guests)
    {
        var assessment = PassthroughAdvisor.Assess(host, device);
        return new DeviceStanding(device, assessment, GuestReadiness.Of(device, assessment, guests), usage.NeedsOf(device),
            guests?.RunningGuestWith(device.Address)?.Name);
    }

    public PassthroughVerdict Verdict => Assessment.Verdict;

    /// <summary>Whether the dashboard offers to detach it: never for what no guest can use.</summary>
    public bool CanDetach => Verdict != PassthroughVerdict.NotPassable && !Device.IsBoundToVfio;

    public string Summary => ReadyFor?.Summary(Device) ?? Assessment.Summary;

    public string Label => UsedBy is { } guest ? $"in use by {guest}" : ReadyFor is { } ready
        ? ready.Managed ? $"ready for {ready.Guest.Name}" : $"in {ready.Guest.Name}, unmanaged"
        : Verdict switch
        {
            PassthroughVerdict.Ready => "ready for a guest",
            PassthroughVerdict.CanPassAlone => "can pass alone",
            PassthroughVerdict.BlockedByGroup => "blocked by group",
            _ => "not passable",
        };

    public Color Color => UsedBy is not null ? Color.Info : ReadyFor is { Managed: true } ? Color.Success : Verdict switch
    {
        PassthroughVerdict.Ready or PassthroughVerdict.CanPassAlone => Color.Success,
        PassthroughVerdict.BlockedByGroup => Color.Warning,
        _ => Color.Default,
    };

    /// <summary>The chip's tooltip: the verdict in a sentence.</summary>
    public string Explanation => UsedBy is { } user ? $"The running guest {user} has it now; it comes back when {user} stops or gives it up."
        : ReadyFor is not null ? Summary : Verdict switch
    {
        PassthroughVerdict.Ready => "On vfio-pci, and its IOMMU group is viable: a guest can use it now.",
        PassthroughVerdict.CanPassAlone => "Nothing else in its IOMMU group is held by a host driver: it can go to a guest on its own.",
        PassthroughVerdict.BlockedByGroup => "Other devices of its IOMMU group are on host drivers: give the guest the whole group, or detach them first.",
        _ => Assessment.Summary,
    };
}
