using Passthru.Core.Changes;
using Passthru.Core.Guests;
using Passthru.Core.History;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.Core.Safety;

namespace Passthru.Web.Api;

/// <summary>
/// libvirt guests for scripts: list them with their PCI hostdevs, give a host function to a guest,
/// take it back, start and shut down. Changes take a JSON body, as the binding API does, so a
/// cross-site form cannot send them.
/// </summary>
public static class GuestApi
{
    public static IEndpointRouteBuilder MapGuestApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/guests");
        api.MapGet("", async (ILibvirtClient libvirt, CancellationToken ct) =>
        {
            var snapshot = await libvirt.ListGuestsAsync(ct);
            return snapshot.Availability.IsAvailable
                ? Results.Ok(snapshot.Guests.Select(g => g.ToResponse()))
                : Unavailable(snapshot.Availability);
        });
        api.MapPost("/{name}/devices", (string name, AttachCommand command, HttpContext context, GuestService guests, CancellationToken ct)
            => WithValidName(name, () => AttachAsync(name, command, context, guests, ct)));
        api.MapDelete("/{name}/devices/{address}", (string name, string address, HttpContext context, GuestService guests, CancellationToken ct)
            => WithValidName(name, () => DetachAsync(name, address, context, guests, ct)));
        api.MapPost("/{name}/start", (string name, LifecycleCommand command, HttpContext context, GuestPower power, CancellationToken ct)
            => WithValidName(name, () => StartAsync(name, command, context, power, ct)));
        api.MapPost("/{name}/shutdown", (string name, LifecycleCommand command, HttpContext context, GuestPower power, CancellationToken ct)
            => WithValidName(name, () => LifecycleAsync(async () =>
            {
                await power.StopAsync(name, command.Force, BindingApi.Actor(context), CancellationToken.None).WaitAsync(ct);
                return Results.NoContent();
            })));
        return endpoints;
    }

    /// <summary>The name is checked before anything else: libvirt would read <c>vm%00x</c> as <c>vm</c>.</summary>
    private static Task<IResult> WithValidName(string name, Func<Task<IResult>> action)
        => GuestName.IsValid(name, out var error)
            ? action()
            : Task.FromResult(Results.Problem(error, statusCode: StatusCodes.Status400BadRequest, title: "Malformed guest name"));

    private static async Task<IResult> AttachAsync(string name, AttachCommand command, HttpContext context, GuestService guests, CancellationToken cancellationToken)
    {
        if (!command.Persistent)
        {
            return Results.Problem("Passthru always changes the persistent definition (a live-only hostdev is lost at the next start); leave \"persistent\" true.",
                statusCode: StatusCodes.Status400BadRequest, title: "Persistent definition required");
        }

        if (ApiProblems.MalformedPlan(command.Plan) is { } malformedPlan)
        {
            return malformedPlan;
        }

        var addresses = new List<PciAddress>();
        foreach (var text in command.Addresses ?? (command.Address is null ? [] : [command.Address]))
        {
            if (!PciAddress.TryParse(text, out var address, out var error))
            {
                return ApiProblems.MalformedAddress(error);
            }

            addresses.Add(address);
        }

        if (addresses.Count == 0)
        {
            return Results.Problem("Name the host function as \"address\" (or several as \"addresses\").", statusCode: StatusCodes.Status400BadRequest, title: "No device");
        }

        var request = new GuestAttachRequest(name, addresses, command.Live, command.Managed, command.Force, BindingApi.Actor(context),
            context.Connection.LocalIpAddress, command.DryRun, command.Plan);
        return await RunAsync(() => guests.AttachAsync(request, CancellationToken.None).WaitAsync(cancellationToken));
    }

    private static async Task<IResult> DetachAsync(string name, string address, HttpContext context, GuestService guests, CancellationToken cancellationToken)
        => PciAddress.TryParse(address, out var parsed, out var error)
            ? await RunAsync(() => guests.DetachAsync(name, parsed, BindingApi.Actor(context), CancellationToken.None).WaitAsync(cancellationToken))
            : ApiProblems.MalformedAddress(error);

    private static async Task<IResult> RunAsync(Func<Task<GuestResult>> operation)
    {
        try
        {
            var result = await operation();
            var response = result.ToResponse();
            return result.Status switch
            {
                null or OperationStatus.Succeeded => Results.Ok(response),
                OperationStatus.Refused => Problem(StatusCodes.Status409Conflict, result.PlanChanged ? "Plan changed" : "Refused", result.Message, response),
                // libvirt said no (a live attach without /dev/vfio, a guest that would not let go): its words, as a conflict with the guest's state.
                _ => Problem(StatusCodes.Status409Conflict, result.Status == OperationStatus.RolledBack ? "libvirt refused; nothing changed" : "libvirt refused", result.Message, response),
            };
        }
        catch (UnknownTargetException ex)
        {
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status404NotFound, title: "Unknown guest or device");
        }
        catch (LibvirtUnavailableException ex)
        {
            return Unavailable(ex.Availability);
        }
        catch (HistoryUnavailableException ex)
        {
            return ApiProblems.CannotJournal(ex);
        }
    }

    /// <summary>A start is planned as the detach libvirt does of the guest's managed devices: a dry run answers 200 with that plan, a refusal 409.</summary>
    private static Task<IResult> StartAsync(string name, LifecycleCommand command, HttpContext context, GuestPower power, CancellationToken cancellationToken)
        => ApiProblems.MalformedPlan(command.Plan) is { } malformedPlan ? Task.FromResult(malformedPlan) : LifecycleAsync(async () =>
        {
            var request = new GuestStartRequest(name, BindingApi.Actor(context), command.DryRun, command.Force, command.Plan, context.Connection.LocalIpAddress);
            var result = await power.StartAsync(request, CancellationToken.None).WaitAsync(cancellationToken);
            var response = new GuestStartResponse(result.Status?.ToString(), result.Message, result.OperationId, result.Plan.Devices.ToResponse(),
                result.Unconfirmed.ToResponse(), result.Plan.Fingerprint, result.ChangeInProgress);
            return result.Status switch
            {
                null => Results.Ok(response),
                OperationStatus.Succeeded => Results.NoContent(),
                _ => Results.Problem(result.Message, statusCode: StatusCodes.Status409Conflict, title: result.PlanChanged ? "Plan changed" : "Refused",
                    extensions: new Dictionary<string, object?>
                    {
                        ["operationId"] = response.OperationId,
                        ["plan"] = response.Devices,
                        ["refusals"] = response.Refusals,
                        ["fingerprint"] = response.Fingerprint,
                    }),
            };
        });

    private static async Task<IResult> LifecycleAsync(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (UnknownTargetException ex)
        {
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status404NotFound, title: "Unknown guest");
        }
        catch (LibvirtUnavailableException ex)
        {
            return Unavailable(ex.Availability);
        }
        catch (LibvirtException ex) when (ex.Code == LibvirtErrorCode.NoDomain)
        {
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status404NotFound, title: "Unknown guest");
        }
        catch (LibvirtException ex)
        {
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict, title: "libvirt refused");
        }
        catch (HistoryUnavailableException ex)
        {
            return ApiProblems.CannotJournal(ex);
        }
    }

    private static IResult Unavailable(LibvirtAvailability availability)
        => Results.Problem(availability.Reason ?? "libvirt cannot be reached.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "libvirt unavailable");

    private static IResult Problem(int status, string title, string detail, GuestOperationResponse response)
        => Results.Problem(detail, statusCode: status, title: title, extensions: new Dictionary<string, object?>
        {
            ["operationId"] = response.OperationId,
            ["outcome"] = response.Status,
            ["refusals"] = response.Refusals,
            ["wholeGroup"] = response.WholeGroup,
            ["fingerprint"] = response.Fingerprint,
        });
}

/// <summary>The body of an attach: one <c>address</c> or several <c>addresses</c>, and how.</summary>
/// <param name="Live">Also hot-plug into the running guest (ignored when it is not running).</param>
/// <param name="Persistent">Must stay true: Passthru always changes the persistent definition.</param>
/// <param name="Managed">libvirt moves the device to vfio-pci at guest start and back at stop (the default); unmanaged needs it on vfio-pci already.</param>
public sealed record AttachCommand(string? Address = null, IReadOnlyList<string>? Addresses = null, bool Live = false, bool Persistent = true,
    bool Managed = true, bool Force = false, bool DryRun = false, string? Plan = null);

/// <summary>
/// The body of start and shutdown (<c>{}</c>). <c>force</c> on shutdown turns the guest off at once (virsh destroy); on start it
/// overrides what the host would lose. <c>dryRun</c> and <c>plan</c> (the fingerprint seen) work on start as on a detach.
/// </summary>
public sealed record LifecycleCommand(bool Force = false, bool DryRun = false, string? Plan = null);

/// <summary>
/// The plan of a start: the guest's managed host functions, which libvirt moves to vfio-pci, and what the host loses.
/// <c>refusals</c> are those nobody confirmed (overrides given when the devices were attached to this guest count).
/// </summary>
public sealed record GuestStartResponse(string? Status, string Message, long? OperationId, IReadOnlyList<PlannedDeviceResponse> Devices,
    IReadOnlyList<RefusalResponse> Refusals, string Fingerprint, string? ChangeInProgress);

public sealed record GuestResponse(string Name, Guid Uuid, string State, bool Active, bool Persistent, IReadOnlyList<HostdevResponse> Hostdevs, IReadOnlyList<string> Problems);

/// <summary>One host function of a guest: in which definitions, managed or not, and where the guest sees it.</summary>
public sealed record HostdevResponse(string Address, bool Managed, bool Live, bool Persistent, string? GuestAddress, string? PersistentGuestAddress);

/// <param name="HostLoses">What the host gives up: each device's driver now and when the guest starts (managed), and what goes with it.</param>
public sealed record GuestOperationResponse(string? Status, string Message, string? Guest, string? Mode, long? OperationId, IReadOnlyList<RefusalResponse> Refusals,
    IReadOnlyList<string> WholeGroup, IReadOnlyList<string> Xml, GuestResponse? GuestAfter, IReadOnlyList<PlannedDeviceResponse> HostLoses,
    string? Fingerprint, string? ChangeInProgress);

internal static class GuestMapping
{
    public static GuestResponse ToResponse(this Guest g) => new(
        g.Name, g.Uuid, g.State.Describe(), g.IsActive, g.IsPersistent,
        g.HostDevices.Select(d => new HostdevResponse(d.HostAddress.ToString(), (d.Live ?? d.Persistent)!.Managed, d.Live is not null, d.Persistent is not null,
            d.Live?.GuestAddress?.ToString(), d.Persistent?.GuestAddress?.ToString())).ToArray(),
        g.Problems);

    public static GuestOperationResponse ToResponse(this GuestResult r) => new(
        r.Status?.ToString(), r.Message, r.Guest?.Name ?? r.Plan?.Guest, r.Plan?.Mode, r.OperationId,
        r.Plan?.Refusals.ToResponse() ?? [],
        r.Plan?.WholeGroup.Select(a => a.ToString()).ToArray() ?? [],
        r.Plan?.Xml ?? [],
        r.Guest?.ToResponse(),
        r.Plan?.HostSide.Devices.ToResponse() ?? [],
        r.Plan?.Fingerprint,
        r.ChangeInProgress);
}
