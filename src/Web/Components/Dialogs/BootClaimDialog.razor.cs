using Microsoft.AspNetCore.Components;
using MudBlazor;
using Passthru.Core.Boot;
using Passthru.Core.Changes;
using Passthru.Core.History;
using Passthru.Core.Pci;
using Passthru.Web.Auth;

namespace Passthru.Web.Components.Dialogs;

/// <summary>
/// Shows the dry run of a claim at boot or of its release (the same refusals as a detach, and every file it writes
/// with its diff) and writes the files on confirmation, carrying the plan's fingerprint: if anything changed
/// meanwhile, nothing is written and the new plan is shown.
/// </summary>
public partial class BootClaimDialog
{
    [CascadingParameter]
    public IMudDialogInstance? Dialog { get; set; }

    [Inject]
    public required BootClaimService Claims { get; init; }

    [Inject]
    public required CircuitOrigin Origin { get; init; }

    [Parameter, EditorRequired]
    public OperationAction Action { get; set; }

    [Parameter]
    public PciAddress? Device { get; set; }

    [Parameter]
    public int? Group { get; set; }

    internal BootClaimPlan? Plan { get; private set; }
    internal BootClaimResult? Outcome { get; private set; }
    internal string? Error { get; private set; }
    internal bool InProgress { get; private set; }
    internal string? Confirmation { get; set; }
    internal bool PlanChanged { get; private set; }

    private bool IsClaim => Action == OperationAction.ClaimAtBoot;

    private bool CanRun => !InProgress && (Plan!.Refusals.Count == 0 || (Plan.Refusals.All(r => r.CanOverride) && Confirmation?.Trim() == Plan.Target));

    private string RunText => (IsClaim, Plan!.Refusals.Count > 0) switch
    {
        (true, false) => "Claim at boot",
        (true, true) => "Claim anyway",
        _ => "Release at boot",
    };

    private string Summary => IsClaim
        ? $"From the next boot, vfio-pci takes {string.Join(", ", Plan!.Claims.Select(c => $"{c.Address} ({c.Card.Ids})"))} before any host driver, " +
          "and only while the same card is at that address: another card there is left alone."
        : $"From the next boot, {string.Join(", ", Plan!.Claims.Select(c => c.Address))} start on the host driver again.";

    protected override async Task OnInitializedAsync()
    {
        try
        {
            Plan = (await Claims.RunAsync(Request(dryRun: true, force: false))).Plan;
        }
        catch (Exception ex) when (ex is UnknownTargetException or HistoryUnavailableException or ClaimManifestException)
        {
            Error = ex.Message;
        }
    }

    private async Task RunAsync()
    {
        InProgress = true;
        Error = null;
        try
        {
            var result = await Claims.RunAsync(Request(dryRun: false, force: Plan!.Refusals.Count > 0) with { SeenPlan = Plan.Fingerprint });
            (Plan, PlanChanged) = (result.Plan, result.PlanChanged);
            if (result.PlanChanged)
            {
                Confirmation = null;
                return;
            }

            Outcome = result;
        }
        catch (Exception ex) when (ex is UnknownTargetException or HistoryUnavailableException or ClaimManifestException)
        {
            Error = ex is HistoryUnavailableException ? $"Refusing to act: the change cannot be journaled. {ex.Message}" : ex.Message;
        }
        finally
        {
            InProgress = false;
        }
    }

    private void Close() => Dialog?.Close(DialogResult.Ok(Outcome));

    private BootClaimRequest Request(bool dryRun, bool force)
        => new(Action, Device, Group, Origin.Actor, dryRun, force, Origin.ConnectionAddress);
}
