using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using Passthru.Core.Changes;
using Passthru.Core.Guests;
using Passthru.Core.History;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.Web.Auth;
using Passthru.Web.Model;

namespace Passthru.Web.Components.Dialogs;

/// <summary>Give host functions to a guest: dry run first, then the attach, journaled with the user's address.</summary>
public partial class GuestAttachDialog
{
    [CascadingParameter]
    public IMudDialogInstance? Dialog { get; set; }

    [Inject]
    public required GuestService Guests { get; init; }

    [Inject]
    public required HostModel Model { get; init; }

    [Inject]
    public required ILibvirtClient Libvirt { get; init; }

    [Inject]
    public required CircuitOrigin Origin { get; init; }

    [Inject]
    public required IJSRuntime Js { get; init; }

    [Parameter]
    public string GuestName { get; set; } = "";

    [Parameter]
    public bool GuestRuns { get; set; }

    /// <summary>The devices to start with (from a device's page: the device, or its whole group).</summary>
    [Parameter]
    public IReadOnlyList<PciAddress> Devices { get; set; } = [];

    internal IReadOnlyList<DeviceChoice> Choices { get; private set; } = [];
    internal IReadOnlySet<PciAddress> Selected { get; private set; } = new HashSet<PciAddress>();
    internal string? Search { get; set; }
    internal bool Managed { get; private set; } = true;
    internal bool Live { get; set; }
    internal GuestPlan? Plan { get; private set; }
    internal VirshAttachScript? Script { get; private set; }
    internal GuestResult? Outcome { get; private set; }
    internal string? Error { get; private set; }
    internal bool InProgress { get; private set; }
    internal bool Copied { get; private set; }
    internal string? Confirmation { get; set; }
    internal string? ChangeInProgress { get; private set; }
    internal bool PlanChanged { get; private set; }

    /// <summary>Every refusal may be overridden (what the host uses through the device, e.g. the boot console); none that cannot.</summary>
    internal bool CanOverride => Plan is { Refusals.Count: > 0 } plan && plan.Refusals.All(r => r.CanOverride);

    /// <summary>The override is typed, not clicked: the device list, exactly as shown.</summary>
    internal bool Confirmed => CanOverride && Confirmation?.Trim() == Plan!.Target;

    /// <summary>The choices the search leaves, case-insensitively; chosen ones stay in view.</summary>
    private IEnumerable<DeviceChoice> VisibleChoices => string.IsNullOrWhiteSpace(Search)
        ? Choices
        : Choices.Where(c => Selected.Contains(c.Device.Address) || c.Matches(Search.Trim()));

    protected override async Task OnInitializedAsync()
    {
        var host = await Model.ScanAsync();
        var guests = await Libvirt.ListGuestsAsync();
        Choices = DeviceChoice.For(host, guests, GuestName);
        Live = GuestRuns;
        if (Devices.Count > 0)
        {
            Selected = Devices.ToHashSet();
            await PlanAsync();
        }
    }

    internal async Task ToggleAsync(PciAddress address, bool chosen)
    {
        var selected = Selected.ToHashSet();
        _ = chosen ? selected.Add(address) : selected.Remove(address);
        Selected = selected;
        await PlanAsync();
    }

    internal async Task OnManagedChangedAsync(bool managed)
    {
        Managed = managed;
        await PlanAsync();
    }

    internal async Task TakeWholeGroupAsync()
    {
        Selected = Selected.Union(Plan!.WholeGroup).ToHashSet();
        await PlanAsync();
    }

    private async Task PlanAsync()
    {
        (Plan, Script, Error, Copied, Confirmation, PlanChanged) = (null, null, null, false, null, false);
        if (Selected.Count == 0)
        {
            return;
        }

        try
        {
            var dryRun = await Guests.AttachAsync(Request(dryRun: true));
            Show(dryRun.Plan!);
            ChangeInProgress = dryRun.ChangeInProgress;
        }
        catch (Exception ex) when (ex is UnknownTargetException or LibvirtException)
        {
            Error = ex.Message;
        }
    }

    internal async Task AttachAsync()
    {
        InProgress = true;
        Error = null;
        try
        {
            var result = await Guests.AttachAsync(Request(dryRun: false) with { Force = Confirmed, SeenPlan = Plan!.Fingerprint });
            if (result.PlanChanged)
            {
                Show(result.Plan!);
                (ChangeInProgress, PlanChanged, Confirmation) = (null, true, null);
                return;
            }

            Outcome = result;
        }
        catch (Exception ex) when (ex is UnknownTargetException or LibvirtException or HistoryUnavailableException)
        {
            Error = ex.Message;
        }
        finally
        {
            InProgress = false;
        }
    }

    private void Show(GuestPlan plan)
        => (Plan, Script) = (plan, new VirshAttachScript(GuestName, plan.Devices.Select((d, i) => (d.Address, plan.Xml[i])).ToArray(), plan.Live));

    internal async Task CopyAsync() => Copied = await Js.InvokeAsync<bool>("passthru.copy", Script!.ShellScript);

    internal void Close() => Dialog?.Close(DialogResult.Ok(Outcome));

    private GuestAttachRequest Request(bool dryRun)
        => new(GuestName, Selected.Order().ToArray(), Live && GuestRuns, Managed, Force: false, Origin.Actor, Origin.ConnectionAddress, dryRun);
}
