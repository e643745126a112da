using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Passthru.Core.Binding;
using Passthru.Core.Guests;
using Passthru.Core.History;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.Web.Model;
using Radzen;

namespace Passthru.Web.Components.Dialogs;

/// <summary>Give host functions to a guest: dry run first, then the attach, journaled with the user's address.</summary>
public partial class GuestAttachDialog
{
    [Inject]
    public required GuestService Guests { get; init; }

    [Inject]
    public required HostModel Model { get; init; }

    [Inject]
    public required DialogService Dialogs { get; init; }

    [Inject]
    public required CircuitOrigin Origin { get; init; }

    [Inject]
    public required IJSRuntime Js { get; init; }

    [Parameter]
    public string GuestName { get; set; } = "";

    [Parameter]
    public bool GuestRuns { get; set; }

    /// <summary>A device to start with (from its own page).</summary>
    [Parameter]
    public PciAddress? Device { get; set; }

    internal IReadOnlyList<DeviceChoice> Choices { get; private set; } = [];
    internal IEnumerable<PciAddress> Selected { get; private set; } = [];
    internal bool Managed { get; private set; } = true;
    internal bool Live { get; set; }
    internal GuestPlan? Plan { get; private set; }
    internal GuestResult? Outcome { get; private set; }
    internal string? Error { get; private set; }
    internal bool InProgress { get; private set; }
    internal bool Copied { get; private set; }
    internal string? Confirmation { get; set; }

    /// <summary>Every refusal may be overridden (what the host uses through the device, e.g. the boot console); none that cannot.</summary>
    internal bool CanOverride => Plan is { Refusals.Count: > 0 } plan && plan.Refusals.All(r => r.CanOverride);

    /// <summary>The override is typed, not clicked: the device list, exactly as shown.</summary>
    internal bool Confirmed => CanOverride && Confirmation?.Trim() == Plan!.Target;

    protected override async Task OnInitializedAsync()
    {
        var host = await Model.ScanAsync();
        // Endpoints only: bridges and ports cannot be given to a guest.
        Choices = host.Devices.Where(d => !d.IsBridge)
            .Select(d => new DeviceChoice(d.Address, $"{d.Address} {d.DisplayName} ({d.Driver ?? "no driver"})"))
            .ToArray();
        Live = GuestRuns;
        if (Device is { } device)
        {
            Selected = [device];
            await PlanAsync();
        }
    }

    internal async Task OnSelectionChangedAsync(IEnumerable<PciAddress> selected)
    {
        Selected = selected?.ToArray() ?? [];
        await PlanAsync();
    }

    internal async Task OnManagedChangedAsync(bool managed)
    {
        Managed = managed;
        await PlanAsync();
    }

    internal async Task TakeWholeGroupAsync()
    {
        Selected = Plan!.WholeGroup;
        await PlanAsync();
    }

    private async Task PlanAsync()
    {
        (Plan, Error, Copied, Confirmation) = (null, null, false, null);
        if (!Selected.Any())
        {
            return;
        }

        try
        {
            Plan = (await Task.Run(() => Guests.AttachAsync(Request(dryRun: true)))).Plan;
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
            var request = Request(dryRun: false) with { Force = Confirmed };
            Outcome = await Task.Run(() => Guests.AttachAsync(request));
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

    internal async Task CopyAsync() => Copied = await Js.InvokeAsync<bool>("passthru.copy", string.Join("\n", Plan!.Xml));

    internal void Close() => Dialogs.Close(Outcome);

    private GuestAttachRequest Request(bool dryRun)
        => new(GuestName, Selected.ToArray(), Live && GuestRuns, Managed, Force: false, Origin.Actor, Origin.LocalAddress, dryRun);

    internal sealed record DeviceChoice(PciAddress Address, string Text);
}
