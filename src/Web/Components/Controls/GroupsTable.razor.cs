using Microsoft.AspNetCore.Components;
using Passthru.Core.Iommu;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.Core.Safety;
using Passthru.Core.Scanning;
using Passthru.Web.Model;

namespace Passthru.Web.Components.Controls;

/// <summary>The groups and their members, with what each device's driver is, where it stands, and which guest has it.</summary>
public partial class GroupsTable
{
    [Parameter, EditorRequired]
    public required HostSnapshot Host { get; set; }

    /// <summary>The groups to show; the host's devices under "no group" when it has none.</summary>
    [Parameter, EditorRequired]
    public required IReadOnlyList<IommuGroup> Groups { get; set; }

    [Parameter, EditorRequired]
    public required HostUsage Usage { get; set; }

    [Parameter]
    public DeviceFilter? Filter { get; set; }

    /// <summary>libvirt's guests, to show which one has each device; null when not known.</summary>
    [Parameter]
    public GuestsSnapshot? Guests { get; set; }

    /// <summary>Each group's detach and give-back buttons; the page follows their outcome through the live push.</summary>
    [Parameter]
    public bool ShowActions { get; set; }

    private IReadOnlyList<Section> Sections => Host.Groups.Count == 0
        ? [new Section(null, "group-none", Host.Devices.Where(d => Filter?.Matches(d) != false).ToArray())]
        : Groups.Select(g => new Section(g, $"group-{g.Number}", Host.MembersOf(g).ToArray())).ToArray();

    /// <summary>The DMA domain most groups have: only a group with another one says so.</summary>
    private string? CommonDomain => Host.Groups.GroupBy(g => g.Type).MaxBy(g => g.Count())?.Key;

    private DeviceStanding Standing(PciDevice device) => DeviceStanding.Of(Host, device, Usage, Guests);

    private string? RowClass(PciDevice device) => Filter is { IsEmpty: false } f && f.Matches(device) ? "match" : null;

    /// <summary>Members on host drivers; only a concern when the group holds more than one device.</summary>
    private static IReadOnlyList<PciDevice> Blockers(Section section)
        => section.Members.Count > 1 ? section.Members.Where(Viability.Blocks).ToArray() : [];

    private sealed record Section(IommuGroup? Group, string Id, IReadOnlyList<PciDevice> Members);
}
