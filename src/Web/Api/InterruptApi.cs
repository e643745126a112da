using Passthru.Web.Live;

namespace Passthru.Web.Api;

/// <summary><c>GET /api/interrupts</c>: the current rows with counts, devices and rates, for scripts.</summary>
public static class InterruptApi
{
    public static IEndpointRouteBuilder MapInterruptApi(this IEndpointRouteBuilder endpoints)
    {
        // Rates need two reads: when nobody is watching, the call waits one sample period for the second.
        endpoints.MapGet("/api/interrupts", async (LiveHost live, CancellationToken ct) => (await live.WaitForRatesAsync(ct)).ToResponse());
        return endpoints;
    }
}
