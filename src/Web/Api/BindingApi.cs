using Passthru.Core.Binding;
using Passthru.Core.Changes;
using Passthru.Core.History;
using Passthru.Core.Pci;
using Passthru.Core.Safety;
using Passthru.Web.Auth;

namespace Passthru.Web.Api;

/// <summary>
/// Detach and reattach for scripts. Each takes a JSON body (<c>{}</c> at least): a cross-site form
/// cannot send one without a CORS preflight, which this API never grants, so another web page in
/// the user's browser cannot press these buttons.
/// </summary>
public static class BindingApi
{
    public static IEndpointRouteBuilder MapBindingApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api");
        api.MapPost("/devices/{address}/detach", (string address, BindingCommand command, HttpContext context, BindingService binding, CancellationToken ct)
            => RunForDeviceAsync(OperationAction.Detach, address, command, context, binding, ct));
        api.MapPost("/devices/{address}/reattach", (string address, BindingCommand command, HttpContext context, BindingService binding, CancellationToken ct)
            => RunForDeviceAsync(OperationAction.Reattach, address, command, context, binding, ct));
        api.MapPost("/groups/{group:int}/detach", (int group, BindingCommand command, HttpContext context, BindingService binding, CancellationToken ct)
            => RunForGroupAsync(OperationAction.Detach, group, command, context, binding, ct));
        api.MapPost("/groups/{group:int}/reattach", (int group, BindingCommand command, HttpContext context, BindingService binding, CancellationToken ct)
            => RunForGroupAsync(OperationAction.Reattach, group, command, context, binding, ct));
        api.MapGet("/history", async (string? device, OperationAction? action, OperationStatus? status, int? limit, long? before, OperationJournal journal,
            CancellationToken ct) =>
        {
            PciAddress? address = null;
            if (device is not null)
            {
                if (!PciAddress.TryParse(device, out var parsed, out var error))
                {
                    return ApiProblems.MalformedAddress(error);
                }

                address = parsed;
            }

            try
            {
                var records = await journal.ListAsync(address, action, status, Math.Clamp(limit ?? 200, 1, MaxHistoryLimit), before, ct);
                return Results.Ok(records.Select(r => r.ToResponse()));
            }
            catch (HistoryUnavailableException ex)
            {
                return Results.Problem(ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "History unavailable");
            }
        });
        return endpoints;
    }

    /// <summary>
    /// At most this many operations per call: with every text in a row capped (OperationJournal), one answer stays a few MB;
    /// <c>before</c> pages on.
    /// </summary>
    public const int MaxHistoryLimit = 1000;

    private static Task<IResult> RunForDeviceAsync(OperationAction action, string address, BindingCommand command, HttpContext context,
        BindingService binding, CancellationToken cancellationToken)
    {
        if (!PciAddress.TryParse(address, out var parsed, out var error))
        {
            return Task.FromResult(ApiProblems.MalformedAddress(error));
        }

        string? expected = null;
        if (command.Expect is not null && !PciIdPair.TryParse(command.Expect, out expected, out error))
        {
            return Task.FromResult(Results.Problem($"\"expect\": {error}", statusCode: StatusCodes.Status400BadRequest, title: "Malformed expect"));
        }

        return ApiProblems.MalformedPlan(command.Plan) is { } malformed
            ? Task.FromResult(malformed)
            : RunAsync(Request(action, parsed, null, command, context, expected), binding, cancellationToken);
    }

    private static Task<IResult> RunForGroupAsync(OperationAction action, int group, BindingCommand command, HttpContext context,
        BindingService binding, CancellationToken cancellationToken)
    {
        if (command.Expect is not null)
        {
            return Task.FromResult(Results.Problem("\"expect\" names what was seen at one address: it is for a device's detach or reattach, not a group's.",
                statusCode: StatusCodes.Status400BadRequest, title: "Malformed expect"));
        }

        return ApiProblems.MalformedPlan(command.Plan) is { } malformed
            ? Task.FromResult(malformed)
            : RunAsync(Request(action, null, group, command, context, null), binding, cancellationToken);
    }

    private static BindingRequest Request(OperationAction action, PciAddress? device, int? group, BindingCommand command, HttpContext context, string? expectedIds)
    {
        IReadOnlyDictionary<PciAddress, string>? expected = device is { } d && expectedIds is { } ids ? new Dictionary<PciAddress, string> { [d] = ids } : null;
        return new BindingRequest(action, device, group, Actor(context), command.DryRun, command.Force, expected, context.Connection.LocalIpAddress, command.Plan);
    }

    private static async Task<IResult> RunAsync(BindingRequest request, BindingService binding, CancellationToken cancellationToken)
    {
        try
        {
            // The operation runs to its end even if the client goes away: a half-done bind helps nobody.
            var result = await binding.RunAsync(request, CancellationToken.None).WaitAsync(cancellationToken);
            var response = result.ToResponse();
            return result.Status switch
            {
                null or OperationStatus.Succeeded => Results.Ok(response),
                OperationStatus.Refused => Problem(StatusCodes.Status409Conflict, result.PlanChanged ? "Plan changed" : "Refused", result.Message, response),
                _ => Problem(StatusCodes.Status500InternalServerError, result.Status == OperationStatus.RolledBack ? "Failed and undone" : "Failed", result.Message, response),
            };
        }
        catch (UnknownTargetException ex)
        {
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status404NotFound, title: "Unknown device or group");
        }
        catch (HistoryUnavailableException ex)
        {
            return ApiProblems.CannotJournal(ex);
        }
    }

    private static IResult Problem(int status, string title, string detail, BindingResponse response)
        => Results.Problem(detail, statusCode: status, title: title, extensions: new Dictionary<string, object?>
        {
            ["operationId"] = response.OperationId,
            ["outcome"] = response.Status,
            ["plan"] = response.Devices,
            ["refusals"] = response.Refusals,
            ["fingerprint"] = response.Fingerprint,
        });

    /// <summary>Who asked (the user or <c>token NAME</c>; "anonymous" with logins off), and from where.</summary>
    internal static Actor Actor(HttpContext context)
        => PassthruClaims.ActorOf(context.User, context.Connection.RemoteIpAddress);
}

/// <summary>The body of a detach or reattach request.</summary>
/// <param name="DryRun">Only say what would happen.</param>
/// <param name="Force">Override the refusals that may be overridden (never a bridge, a changed card or the dashboard's own connection).</param>
/// <param name="Expect">The vendor:device the caller saw at the address (<c>8086:293e</c>); another card there is refused.</param>
/// <param name="Plan">The <c>fingerprint</c> of the dry run the caller looked at: if the plan is different now, nothing is done (409, "Plan changed", with the new plan).</param>
public sealed record BindingCommand(bool DryRun = false, bool Force = false, string? Expect = null, string? Plan = null);

/// <param name="Fingerprint">Of this plan: send it back as <c>plan</c> to act only on what was seen.</param>
/// <param name="ChangeInProgress">For a dry run: the change running now, if any (this plan is from the state before it ends).</param>
public sealed record BindingResponse(string Action, string Target, string? Status, bool DryRun, string Message, long? OperationId,
    IReadOnlyList<PlannedDeviceResponse> Devices, IReadOnlyList<RefusalResponse> Refusals, IReadOnlyDictionary<string, string?> DriversAfter,
    string Fingerprint, string? ChangeInProgress);

public sealed record PlannedDeviceResponse(string Address, string Name, string? DriverNow, string DriverAfter, bool ChangesDriver, IReadOnlyList<LossResponse> HostLoses);

public sealed record LossResponse(HostLossKind Kind, string Name, string Details, IReadOnlyList<string> InUse);

public sealed record RefusalResponse(RefusalKind Kind, string Device, string Reason, bool CanOverride);

/// <param name="Overridden">For a forced change: the refusals it overrode.</param>
/// <param name="PlanFingerprint">For a forced change: the fingerprint of the plan it ran.</param>
public sealed record OperationResponse(long Id, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string Actor, string? RemoteAddress, OperationAction Action, string Target,
    bool Forced, OperationStatus Status, string? Message, IReadOnlyList<OperationDeviceResponse> Devices, string? Guest, string? Mode,
    IReadOnlyList<string> Overridden, string? PlanFingerprint);

public sealed record OperationDeviceResponse(string Address, string? VendorId, string? DeviceId, int? Group, string? DriverBefore, string? DriverAfter);

internal static class BindingMapping
{
    public static BindingResponse ToResponse(this BindingResult result) => new(
        result.Plan.Action.ToString(), result.Plan.Target, result.Status?.ToString(), result.IsDryRun, result.Message, result.OperationId,
        result.Plan.Devices.ToResponse(), result.Plan.Refusals.ToResponse(),
        result.DriversAfter.ToDictionary(p => p.Key.ToString(), p => p.Value), result.Plan.Fingerprint, result.ChangeInProgress);

    public static PlannedDeviceResponse[] ToResponse(this IEnumerable<PlannedDevice> devices)
        => devices.Select(d => new PlannedDeviceResponse(d.Address.ToString(), d.Name, d.DriverNow, d.DriverAfter, d.ChangesDriver,
            d.Losses.Select(l => new LossResponse(l.Kind, l.Name, l.Details, l.InUse)).ToArray())).ToArray();

    public static RefusalResponse[] ToResponse(this IEnumerable<Refusal> refusals)
        => refusals.Select(r => new RefusalResponse(r.Kind, r.Device.ToString(), r.Reason, r.CanOverride)).ToArray();

    public static OperationResponse ToResponse(this OperationRecord r) => new(
        r.Id, r.StartedAt, r.FinishedAt, r.Actor, r.RemoteAddress, r.Action, r.Target, r.Forced, r.Status, r.Message,
        r.Devices.Select(d => new OperationDeviceResponse(d.Address.ToString(), d.VendorId, d.DeviceId, d.Group, d.DriverBefore, d.DriverAfter)).ToArray(),
        r.Guest, r.Mode, r.Overrode?.Refusals ?? [], r.Overrode?.Fingerprint);
}
