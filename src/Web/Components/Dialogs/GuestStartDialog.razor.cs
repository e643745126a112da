using Microsoft.AspNetCore.Components;
using MudBlazor;
using Passthru.Core.Binding;
using Passthru.Core.Changes;
using Passthru.Core.Guests;
using Passthru.Core.History;
using Passthru.Core.Libvirt;
using Passthru.Web.Auth;

namespace Passthru.Web.Components.Dialogs;

/// <summary>Confirms a guest's start that takes from the host something it uses; the override is typed (the guest's name) and bound to the plan shown.</summary>
public partial class GuestStartDialog
{
    [CascadingParameter]
    public IMudDialogInstance? Dialog { get; set; }

    [Inject]
    public required GuestPower Power { get; init; }

    [Inject]
    public required CircuitOrigin Origin { get; init; }

    [Parameter, EditorRequired]
    public string GuestName { get; set; } = "";

    /// <summary>The dry run the page made: it has refusals nobody confirmed, or this dialog would not be open.</summary>
    [Parameter, EditorRequired]
    public GuestStartResult DryRun { get; set; } = null!;

    internal BindingPlan Plan => DryRun.Plan;

    internal GuestStartResult? Outcome { get; private set; }
    internal string? Error { get; private set; }
    internal bool InProgress { get; private set; }
    internal bool PlanChanged { get; private set; }
    internal string? Confirmation { get; set; }

    private bool Confirmed => DryRun.Unconfirmed.All(r => r.CanOverride) && Confirmation?.Trim() == GuestName;

    private async Task StartAsync()
    {
        InProgress = true;
        Error = null;
        try
        {
            var result = await Power.StartAsync(new GuestStartRequest(GuestName, Origin.Actor, Force: true, SeenPlan: Plan.Fingerprint, ConnectionAddress: Origin.ConnectionAddress));
            if (result.PlanChanged)
            {
                (DryRun, PlanChanged, Confirmation) = (result, true, null);
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

    private void Close() => Dialog?.Close(DialogResult.Ok(Outcome));
}
