using Microsoft.AspNetCore.Components;
using Passthru.Core.Iommu;
using Passthru.Core.Libvirt;
using Passthru.Core.Safety;
using Passthru.Core.Scanning;
using Passthru.Web.Live;
using Passthru.Web.Model;

namespace Passthru.Web.Components.Pages;

/// <summary>
/// Every IOMMU group with its devices, drivers and whether each can go to a guest, as one dense table;
/// the filter lives in the address (<c>/groups?q=sound&amp;class=…</c>); drivers follow the host live.
/// </summary>
public partial class Groups : LiveComponentBase
{
    [Inject]
    public required HostModel Model { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [SupplyParameterFromQuery(Name = "q")]
    public string? FilterText { get; set; }

    [SupplyParameterFromQuery(Name = "class")]
    public string? ClassName { get; set; }

    internal HostSnapshot? Host { get; private set; }

    internal HostUsage? Usage { get; private set; }

    internal GuestsSnapshot? Guests { get; private set; }

    private DeviceFilter Filter => new(FilterText, ClassName);

    private IReadOnlyList<string> ClassNames => Host!.Devices.Select(d => d.Names.Class).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>Groups with at least one matching device; the whole group is shown, because the others decide whether it can be passed.</summary>
    private IReadOnlyList<IommuGroup> VisibleGroups => Filter.IsEmpty
        ? Host!.Groups
        : Host!.Groups.Where(g => Host.MembersOf(g).Any(Filter.Matches)).ToArray();

    private bool NothingMatches => !Filter.IsEmpty && !Host!.Devices.Any(Filter.Matches);

    private string CountText => Host!.Groups.Count == 0
        ? $"{Host.Devices.Count(Filter.Matches)} of {Host.Devices.Count} devices"
        : $"{VisibleGroups.Count} of {Host.Groups.Count} groups";

    private string IommuReason => Host!.Checks.FirstOrDefault(c => c.Id == "iommu-enabled")?.Reason ?? "";

    protected override Task OnInitializedAsync() => RescanAsync();

    private async Task RescanAsync() => await ShowAsync(await Model.ScanAsync());

    private async Task ShowAsync(HostSnapshot host) => (Host, Usage) = (host, await Model.ReadUsageAsync(Guests));

    /// <summary>A bind or unbind done anywhere (this page, the API, a shell) shows without a reload.</summary>
    protected override async ValueTask<bool> OnLiveStateAsync(LiveState state)
    {
        var guestsChanged = !ReferenceEquals(state.Guests, Guests);
        Guests = state.Guests;
        if (state.Host is not { } host || (Host is not null && Host.HasSameDevicesAs(host)))
        {
            return guestsChanged; // else only interrupts moved: nothing on this page changed
        }

        await ShowAsync(host);
        return true;
    }

    private void SetText(string? text)
    {
        FilterText = string.IsNullOrWhiteSpace(text) ? null : text;
        KeepFilterInAddress();
    }

    private void SetClass(string? name)
    {
        ClassName = name;
        KeepFilterInAddress();
    }

    private void ClearFilter()
    {
        (FilterText, ClassName) = (null, null);
        KeepFilterInAddress();
    }

    /// <summary>The filter is part of the address, so a filtered view can be bookmarked, shared and reloaded.</summary>
    private void KeepFilterInAddress()
        => Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?> { ["q"] = FilterText, ["class"] = ClassName }), replace: true);
}
