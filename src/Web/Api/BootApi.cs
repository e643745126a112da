using Passthru.Core.Boot;
using Passthru.Core.Changes;
using Passthru.Core.History;
using Passthru.Core.Pci;
using Passthru.Web.Hosting;
using Passthru.Web.Model;

namespace Passthru.Web.Api;

/// <summary>
/// Claims at boot for scripts: the claims with what the kernel did with them at this boot, a claim of a device or a
/// group (dry run and plan fingerprint as for a detach), and a release.
/// </summary>
public static class BootApi
{
    public static IEndpointRouteBuilder MapBootApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/boot");
        api.MapGet("", (HostModel model, BootClaimService claims) =>
        {
            try
            {
                return Results.Ok(BootResponse.Of(claims, claims.Inspect(model.Scan())));
            }
            catch (ClaimManifestException ex)
            {
                return DamagedRecord(ex);
            }
        });
        api.MapPost("/claims", (ClaimCommand command, HttpContext context, BootClaimService claims, CancellationToken ct) =>
        {
            PciAddress? device = null;
            if ((command.Address is null) == (command.Group is null))
            {
                return Task.FromResult(Results.Problem("Give either \"address\" (one device) or \"group\" (an IOMMU group's devices).",
                    statusCode: StatusCodes.Status400BadRequest, title: "Malformed claim"));
            }

            if (command.Address is { } text)
            {
                if (!PciAddress.TryParse(text, out var parsed, out var error))
                {
                    return Task.FromResult(ApiProblems.MalformedAddress(error));
                }

                device = parsed;
            }

            return ApiProblems.MalformedPlan(command.Plan) is { } malformed
                ? Task.FromResult(malformed)
                : RunAsync(new BootClaimRequest(OperationAction.ClaimAtBoot, device, command.Group, BindingApi.Actor(context), command.DryRun, command.Force,
                    ConnectionOrigin.Of(context).ConnectionAddress, command.Plan), claims, ct);
        });
        api.MapDelete("/claims/{address}", (string address, bool? dryRun, string? plan, HttpContext context, BootClaimService claims, CancellationToken ct) =>
        {
            if (!PciAddress.TryParse(address, out var parsed, out var error))
            {
                return Task.FromResult(ApiProblems.MalformedAddress(error));
            }

            return ApiProblems.MalformedPlan(plan) is { } malformed
                ? Task.FromResult(malformed)
                : RunAsync(new BootClaimRequest(OperationAction.ReleaseAtBoot, parsed, null, BindingApi.Actor(context), dryRun ?? false, SeenPlan: plan), claims, ct);
        });
        return endpoints;
    }

    private static async Task<IResult> RunAsync(BootClaimRequest request, BootClaimService claims, CancellationToken cancellationToken)
    {
        try
        {
            // The change runs to its end even if the client goes away: half-written boot files help nobody.
            var result = await claims.RunAsync(request, CancellationToken.None).WaitAsync(cancellationToken);
            var response = ClaimResultResponse.Of(result);
            return result.Status switch
            {
                null or OperationStatus.Succeeded => Results.Ok(response),
                OperationStatus.Refused => Problem(StatusCodes.Status409Conflict, result.PlanChanged ? "Plan changed" : "Refused", response),
                _ => Problem(StatusCodes.Status500InternalServerError, "Failed", response),
            };
        }
        catch (UnknownTargetException ex)
        {
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status404NotFound, title: "Unknown device, group or claim");
        }
        catch (ClaimManifestException ex)
        {
            return DamagedRecord(ex);
        }
        catch (HistoryUnavailableException ex)
        {
            return ApiProblems.CannotJournal(ex);
        }
    }

    private static IResult DamagedRecord(ClaimManifestException ex)
        => Results.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict, title: "Claims record damaged");

    private static IResult Problem(int status, string title, ClaimResultResponse response)
        => Results.Problem(response.Message, statusCode: status, title: title, extensions: new Dictionary<string, object?>
        {
            ["operationId"] = response.OperationId,
            ["outcome"] = response.Status,
            ["claims"] = response.Claims,
            ["files"] = response.Files,
            ["refusals"] = response.Refusals,
            ["fingerprint"] = response.Fingerprint,
        });
}

/// <summary>The body of a claim: one device or a group.</summary>
/// <param name="Force">Override the refusals that may be overridden, as for a detach.</param>
/// <param name="Plan">The <c>fingerprint</c> of the dry run the caller looked at.</param>
public sealed record ClaimCommand(string? Address = null, int? Group = null, bool DryRun = false, bool Force = false, string? Plan = null);
