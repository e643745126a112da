using Microsoft.AspNetCore.Components;
using MudBlazor;
using Passthru.Core.Boot.CommandLine;
using Passthru.Core.History;
using Passthru.Web.Auth;

namespace Passthru.Web.Components.Dialogs;

/// <summary>Shows what Apply would write and run for a host check's fix, and applies it on confirmation, bound to the plan shown.</summary>
public partial class KernelLineDialog
{
    [CascadingParameter]
    public IMudDialogInstance? Dialog { get; set; }

    [Inject]
    public required CommandLineApplier Applier { get; init; }

    [Inject]
    public required CircuitOrigin Origin { get; init; }

    [Parameter, EditorRequired]
    public ParameterChange Change { get; set; } = null!;

    /// <summary>The dry run shown, then after a "plan changed" the new one.</summary>
    internal CommandLineResult? Result { get; private set; }

    internal CommandLineResult? Outcome { get; private set; }
    internal string? Error { get; private set; }
    internal bool InProgress { get; private set; }
    internal bool PlanChanged { get; private set; }

    protected override async Task OnInitializedAsync() => Result = await Applier.DryRunAsync(Change);

    private async Task ApplyAsync()
    {
        InProgress = true;
        Error = null;
        try
        {
            var result = await Applier.ApplyAsync(Change, Origin.Actor, Result!.Plan.Fingerprint);
            if (result.PlanChanged)
            {
                (Result, PlanChanged) = (await Applier.DryRunAsync(Change), true);
                return;
            }

            Outcome = result;
        }
        catch (HistoryUnavailableException ex)
        {
            Error = $"The history cannot be written, so nothing was changed. {ex.Message}";
        }
        finally
        {
            InProgress = false;
        }
    }

    private static string DiffClass(string line)
        => line.StartsWith("+++", StringComparison.Ordinal) || line.StartsWith("---", StringComparison.Ordinal) ? "diff-file"
            : line.StartsWith('+') ? "diff-add" : line.StartsWith('-') ? "diff-remove" : line.StartsWith("@@", StringComparison.Ordinal) ? "diff-hunk" : "";

    private void Close() => Dialog?.Close(Outcome is null ? DialogResult.Cancel() : DialogResult.Ok(Outcome));
}
