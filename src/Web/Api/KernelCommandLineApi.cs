using Passthru.Core.Boot.CommandLine;
using Passthru.Core.History;

namespace Passthru.Web.Api;

/// <summary>
/// The kernel command line: how it is configured, whether a reboot is pending, and Apply (a dry run first,
/// its fingerprint sent back to act only on what was seen). Like the detach endpoints, Apply takes a JSON
/// body, so another site's form cannot send it.
/// </summary>
public static class KernelCommandLineApi
{
    public static IEndpointRouteBuilder MapKernelCommandLineApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/host/cmdline");
        api.MapGet("", (CommandLineApplier applier) => applier.Status().ToResponse());
        api.MapPost("", async (KernelLineCommand command, HttpContext context, CommandLineApplier applier, CancellationToken ct) =>
        {
            if (!ParameterChange.TryCreate(command.Add, command.Remove, out var change, out var error))
            {
                return Results.Problem(error, statusCode: StatusCodes.Status400BadRequest, title: "Parameters not allowed");
            }

            if (ApiProblems.MalformedPlan(command.Plan) is { } malformed)
            {
                return malformed;
            }

            try
            {
                if (command.DryRun)
                {
                    return Results.Ok((await applier.DryRunAsync(change, ct)).ToResponse());
                }

                // Runs to its end even if the client goes away: a file written without its tool run helps nobody.
                var result = await applier.ApplyAsync(change, BindingApi.Actor(context), command.Plan, CancellationToken.None).WaitAsync(ct);
                var response = result.ToResponse();
                return result.Status switch
                {
                    OperationStatus.Succeeded => Results.Ok(response),
                    OperationStatus.Refused => Problem(StatusCodes.Status409Conflict, result.PlanChanged ? "Plan changed" : "Refused", response),
                    _ => Problem(StatusCodes.Status500InternalServerError, "Failed and undone", response),
                };
            }
            catch (HistoryUnavailableException ex)
            {
                return ApiProblems.CannotJournal(ex);
            }
        });
        return endpoints;
    }

    private static IResult Problem(int status, string title, KernelLineResponse response)
        => Results.Problem(response.Message, statusCode: status, title: title, extensions: new Dictionary<string, object?>
        {
            ["operationId"] = response.OperationId,
            ["outcome"] = response.Status,
            ["plan"] = response.Plan,
        });
}

/// <summary>The body of an Apply: parameters from the allowed set only (<c>intel_iommu=on</c>, <c>iommu=pt</c>; remove <c>pcie_acs_override</c>, <c>vfio-pci.ids</c>, <c>amd_iommu=off</c>).</summary>
/// <param name="Plan">The <c>fingerprint</c> of the dry run the caller looked at: if the plan is different now, nothing is done (409, "Plan changed").</param>
public sealed record KernelLineCommand(IReadOnlyList<string>? Add = null, IReadOnlyList<string>? Remove = null, bool DryRun = false, string? Plan = null);

public sealed record BootSetupResponse(string Kind, bool Recognised, string File, string? Tool, string Description, string? Reason);

public sealed record KernelLineStatusResponse(BootSetupResponse Setup, IReadOnlyList<string>? Configured, IReadOnlyList<string> Running,
    bool RebootPending, IReadOnlyList<string> AddedAtReboot, IReadOnlyList<string> RemovedAtReboot);

public sealed record FileEditResponse(string Path, string Diff, string Backup, bool WrittenByTool);

/// <param name="Refusal">Why Apply will not act; the host check's printed fix is still the way.</param>
public sealed record KernelLinePlanResponse(BootSetupResponse Setup, IReadOnlyList<string> Add, IReadOnlyList<string> Remove, IReadOnlyList<FileEditResponse> Edits,
    IReadOnlyList<string> Commands, string? Refusal, string Fingerprint);

public sealed record ToolRunResponse(string Command, int? ExitCode, bool TimedOut, string Output);

/// <param name="Status">Null for a dry run.</param>
public sealed record KernelLineResponse(string? Status, bool DryRun, string Message, long? OperationId, KernelLinePlanResponse Plan, IReadOnlyList<string> Backups,
    IReadOnlyList<ToolRunResponse> Runs, string? ChangeInProgress);

internal static class KernelLineMapping
{
    public static BootSetupResponse ToResponse(this BootSetup setup)
        => new(setup.Kind.ToString(), setup.IsRecognised, setup.File, setup.Tool, setup.Description, setup.Reason);

    public static KernelLineStatusResponse ToResponse(this CommandLineStatus status)
        => new(status.Setup.ToResponse(), status.Configured, status.Running, status.Pending?.IsPending ?? false,
            status.Pending?.Added ?? [], status.Pending?.Removed ?? []);

    public static KernelLinePlanResponse ToResponse(this CommandLinePlan plan)
        => new(plan.Setup.ToResponse(), plan.Change.Add, plan.Change.Remove,
            plan.Edits.Select(e => new FileEditResponse(e.Path, e.Diff, e.Backup, e.WrittenByTool)).ToArray(),
            plan.Commands.Select(c => c.Display).ToArray(), plan.Refusal, plan.Fingerprint);

    public static KernelLineResponse ToResponse(this CommandLineResult result)
        => new(result.Status?.ToString(), result.Status is null, result.Message, result.OperationId, result.Plan.ToResponse(), result.Backups,
            result.Runs.Select(r => new ToolRunResponse(r.Command, r.ExitCode, r.TimedOut, r.Output)).ToArray(), result.ChangeInProgress);
}
