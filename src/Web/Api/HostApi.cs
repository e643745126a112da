using Passthru.Core.Advice;
using Passthru.Core.Pci;
using Passthru.Web.Model;

namespace Passthru.Web.Api;

/// <summary>The read-only JSON API for scripts and tests.</summary>
public static class HostApi
{
    public static IEndpointRouteBuilder MapHostApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api");

        api.MapGet("/host", async (HostModel model, CancellationToken ct)
            => (await model.ScanAsync(ct)).ToResponse(model.HostRoot));

        api.MapGet("/devices", async (HostModel model, CancellationToken ct)
            => (await model.ScanAsync(ct)).Devices.Select(d => d.ToResponse()).ToArray());

        api.MapGet("/devices/{address}", async (string address, HostModel model, CancellationToken ct) =>
        {
            // Validated before anything else: the address becomes part of a sysfs path.
            if (!PciAddress.TryParse(address, out var parsed, out var error))
            {
                return ApiProblems.MalformedAddress(error);
            }

            var host = await model.ScanAsync(ct);
            if (host.Find(parsed) is not { } device)
            {
                return Results.Problem($"There is no PCI device {parsed} on this host.", statusCode: StatusCodes.Status404NotFound, title: "Unknown device");
            }

            return Results.Ok(new DeviceDetailResponse(device.ToResponse(), host.GroupOf(device)?.ToResponse(),
                PassthroughAdvisor.Assess(host, device).ToResponse()));
        });

        api.MapGet("/groups", async (HostModel model, CancellationToken ct)
            => (await model.ScanAsync(ct)).Groups.Select(g => g.ToResponse()).ToArray());

        return endpoints;
    }
}
