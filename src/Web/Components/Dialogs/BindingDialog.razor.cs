using Microsoft.AspNetCore.Components;
using MudBlazor;
using Passthru.Core.Binding;
using Passthru.Core.Changes;
using Passthru.Core.History;
using Passthru.Core.Pci;
using Passthru.Web.Auth;

namespace Passthru.Web.Components.Dialogs;

/// <summary>
/// Shows the dry run of a detach or reattach (what changes driver, what the host loses, what is
/// refused) and runs it on request. An overridable refusal needs the target typed in full, and the
/// run carries the plan's fingerprint: if the host changed meanwhile, nothing is done and the new
/// plan is shown instead. The service works off the circuit's thread, so the page never freezes.
/// </summary>
public partial class BindingDialog
{
    [CascadingParameter]
    public IMudDialogInstance? Dialog { get; set; }

    [Inject]
    public required BindingService Binding { get; init; }

    [Inject]
    public required CircuitOrigin Origin { get; init; }

    [Parameter, EditorRequired]
    public OperationAction Action { get; set; }

    [Parameter]
    public PciAddress? Device { get; set; }

    [Parameter]
    public int? Group { get; set; }

    /// <summary>The vendor:device the page showed for <see cref="Device"/>; another card there is refused.</summary>
    [Parameter]
    public string? ExpectedIds { get; set; }

    internal BindingPlan? Plan { get; private set; }
    internal BindingResult? Outcome { get; private set; }
    internal string? Error { get; private set; }
    internal bool InProgress { get; private set; }
    internal string? Confirmation { get; set; }
    internal string? ChangeInProgress { get; private set; }
    internal bool PlanChanged { get; private set; }

    private bool CanOverride => Plan!.Refusals.All(r => r.CanOverride);

    private bool CanRun => !InProgress && (Plan!.Refusals.Count == 0 || (CanOverride && Confirmation?.Trim() == Plan.Target));

    private string RunText => (Action, Plan!.Refusals.Count > 0) switch
    {
        (OperationAction.Detach, false) => "Detach to vfio-pci",
        (OperationAction.Detach, true) => "Detach anyway",
        (_, false) => "Give back to the host",
        _ => "Give back anyway",
    };

    private string OutcomeTitle => Outcome!.Status switch
    {
        OperationStatus.Succeeded => "Done",
        OperationStatus.RolledBack => "Failed, and undone",
        OperationStatus.Refused => "Refused",
        _ => "Failed",
    };

    protected override async Task OnInitializedAsync()
    {
        try
        {
            var dryRun = await Binding.RunAsync(Request(dryRun: true, force: false));
            (Plan, ChangeInProgress) = (dryRun.Plan, dryRun.ChangeInProgress);
        }
        catch (Exception ex) when (ex is UnknownTargetException or HistoryUnavailableException)
        {
            Error = ex.Message;
            Plan = new BindingPlan(Action, Device?.ToString() ?? $"group {Group}", [], []);
        }
    }

    private async Task RunAsync()
    {
        InProgress = true;
        Error = null;
        try
        {
            var result = await Binding.RunAsync(Request(dryRun: false, force: Plan!.Refusals.Count > 0) with { SeenPlan = Plan.Fingerprint });
            (Plan, ChangeInProgress, PlanChanged) = (result.Plan, null, result.PlanChanged);
            if (result.PlanChanged)
            {
                Confirmation = null;
                return;
            }

            Outcome = result;
        }
        catch (Exception ex) when (ex is UnknownTargetException or HistoryUnavailableException)
        {
            Error = ex is HistoryUnavailableException ? $"Refusing to act: the operation cannot be journaled. {ex.Message}" : ex.Message;
        }
        finally
        {
            InProgress = false;
        }
    }

    private void Close() => Dialog?.Close(DialogResult.Ok(Outcome));

    private BindingRequest Request(bool dryRun, bool force)
        => new(Action, Device, Group, Origin.Actor, dryRun, force,
            Device is { } d && ExpectedIds is { } ids ? new Dictionary<PciAddress, string> { [d] = ids } : null,
            Origin.ConnectionAddress);
}
