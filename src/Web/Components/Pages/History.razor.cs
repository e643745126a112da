using System.Globalization;
using Microsoft.AspNetCore.Components;
using Passthru.Core.History;
using Passthru.Core.Pci;
using Passthru.Web.Model;

namespace Passthru.Web.Components.Pages;

/// <summary>
/// The operation journal, newest first, filterable by device, action and result; every filter is in
/// the address (<c>history?device=…&amp;action=…&amp;status=…</c>), and <c>history?id=N</c> shows one operation.
/// </summary>
public partial class History
{
    [Inject]
    public required OperationJournal Journal { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [SupplyParameterFromQuery(Name = "device")]
    public string? DeviceFilter { get; set; }

    [SupplyParameterFromQuery(Name = "action")]
    public string? ActionQuery { get; set; }

    [SupplyParameterFromQuery(Name = "status")]
    public string? StatusQuery { get; set; }

    [SupplyParameterFromQuery(Name = "id")]
    public long? OperationId { get; set; }

    internal OperationAction? ActionFilter => Enum.TryParse<OperationAction>(ActionQuery, ignoreCase: true, out var action) ? action : null;
    internal OperationStatus? StatusFilter => Enum.TryParse<OperationStatus>(StatusQuery, ignoreCase: true, out var status) ? status : null;
    internal IReadOnlyList<OperationRecord> Records { get; private set; } = [];
    internal string? Problem { get; private set; }
    internal string? FilterError { get; private set; }

    /// <summary>Beyond this many rows the grid draws only what is in view.</summary>
    private const int VirtualizeFrom = 100;

    internal string? Search { get; set; }

    private bool Filtered => DeviceFilter is not null || ActionFilter is not null || StatusFilter is not null || OperationId is not null;

    protected override Task OnParametersSetAsync() => LoadAsync();

    internal async Task LoadAsync()
    {
        PciAddress? device = null;
        FilterError = null;
        if (!string.IsNullOrWhiteSpace(DeviceFilter))
        {
            if (!PciAddress.TryParse(DeviceFilter.Trim(), out var parsed, out var error))
            {
                FilterError = error;
                Records = [];
                return;
            }

            device = parsed;
        }

        try
        {
            Records = OperationId is { } id
                ? await Journal.FindAsync(id) is { } record ? [record] : []
                : await Journal.ListAsync(device, ActionFilter, StatusFilter);
            Problem = null;
        }
        catch (HistoryUnavailableException ex)
        {
            Problem = ex.Message;
            Records = [];
        }
    }

    /// <summary>The search box: free text over what a row says, case-insensitively.</summary>
    private Func<OperationRecord, bool> MatchesSearch => record => string.IsNullOrWhiteSpace(Search)
        || new[] { record.Target, record.Guest, record.Actor, record.RemoteAddress, record.Message, OperationText.Action(record.Action) }
            .Any(text => text?.Contains(Search.Trim(), StringComparison.OrdinalIgnoreCase) == true);

    private Task SetDeviceAsync(string? device) => FilterAsync("device", string.IsNullOrWhiteSpace(device) ? null : device.Trim());

    private Task SetActionAsync(OperationAction? action) => FilterAsync("action", action?.ToString());

    private Task SetStatusAsync(OperationStatus? status) => FilterAsync("status", status?.ToString());

    private Task ShowAllAsync() => FilterAsync("id", null);

    /// <summary>A filter is part of the address: the page reloads its records when the query changes.</summary>
    private Task FilterAsync(string name, string? value)
    {
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter(name, value), replace: true);
        return Task.CompletedTask;
    }
}
