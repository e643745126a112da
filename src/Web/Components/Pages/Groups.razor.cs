using Microsoft.AspNetCore.Components;
using Passthru.Core.Iommu;
using Passthru.Core.Libvirt;
using Passthru.Core.Scanning;
using Passthru.Web.Model;

namespace Passthru.Web.Components.Pages;

/// <summary>Every IOMMU group with its devices, drivers and whether it can go to a guest; filterable; drivers follow the host live.</summary>
public partial class Groups : LiveComponentBase
{
    [Inject]
    public required HostModel Model { get; init; }

    [SupplyParameterFromQuery(Name = "q")]
    public string? FilterText { get; set; }

    [SupplyParameterFromQuery(Name = "class")]
    public string? ClassName { get; set; }

    internal HostSnapshot? Host { get; private set; }

    internal GuestsSnapshot? Guests { get; private set; }

    private DeviceFilter Filter => new(FilterText, ClassName);

    private IReadOnlyList<string> ClassNames => Host!.Devices.Select(d => d.Names.Class).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>Groups with at least one matching device; the whole group is shown, because the others decide whether it can be passed.</summary>
    private IReadOnlyList<IommuGroup> VisibleGroups => Filter.IsEmpty
        ? Host!.Groups
        : Host!.Groups.Where(g => Host.MembersOf(g).Any(Filter.Matches)).ToArray();

    protected override async Task OnInitializedAsync() => Host = await Model.ScanAsync();

    private async Task RescanAsync() => Host = await Model.ScanAsync();

    /// <summary>A bind or unbind done anywhere (this page, the API, a shell) shows without a reload.</summary>
    protected override ValueTask<bool> OnLiveStateAsync(LiveState state)
    {
        var guestsChanged = !ReferenceEquals(state.Guests, Guests);
        Guests = state.Guests;
        if (state.Host is not { } host || (Host is not null && Host.HasSameDevicesAs(host)))
        {
            return ValueTask.FromResult(guestsChanged); // else only interrupts moved: nothing on this page changed
        }

        Host = host;
        return ValueTask.FromResult(true);
    }
}
