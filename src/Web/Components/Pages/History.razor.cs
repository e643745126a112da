using Microsoft.AspNetCore.Components;
using Passthru.Core.History;
using Passthru.Core.Pci;

namespace Passthru.Web.Components.Pages;

/// <summary>The operation journal: every detach and reattach, filterable by device, action and result, newest first.</summary>
public partial class History
{
    internal static readonly IReadOnlyList<OperationAction?> Actions = Enum.GetValues<OperationAction>().Select(a => (OperationAction?)a).ToArray();
    internal static readonly IReadOnlyList<OperationStatus?> Statuses = Enum.GetValues<OperationStatus>().Select(s => (OperationStatus?)s).ToArray();

    [Inject]
    public required OperationJournal Journal { get; init; }

    [SupplyParameterFromQuery(Name = "device")]
    public string? DeviceFilter { get; set; }

    internal OperationAction? ActionFilter { get; set; }
    internal OperationStatus? StatusFilter { get; set; }
    internal IReadOnlyList<OperationRecord> Records { get; private set; } = [];
    internal string? Problem { get; private set; }
    internal string? FilterError { get; private set; }

    protected override Task OnInitializedAsync() => LoadAsync();

    internal async Task LoadAsync()
    {
        PciAddress? device = null;
        FilterError = null;
        if (!string.IsNullOrWhiteSpace(DeviceFilter))
        {
            if (!PciAddress.TryParse(DeviceFilter.Trim(), out var parsed, out var error))
            {
                FilterError = error;
                return;
            }

            device = parsed;
        }

        try
        {
            Records = await Journal.ListAsync(device, ActionFilter, StatusFilter);
            Problem = null;
        }
        catch (HistoryUnavailableException ex)
        {
            Problem = ex.Message;
            Records = [];
        }
    }
}
