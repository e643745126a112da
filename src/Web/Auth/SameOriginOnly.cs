using Passthru.Core.Host;

namespace Passthru.Web.Auth;

/// <summary>
/// Refuses requests that another site's page makes: a browser names the page's origin on every WebSocket
/// handshake and every POST, and a foreign one is refused whatever the path. Without this, any page a local
/// user opens could read the hub (a WebSocket handshake is not subject to CORS) or act through the user's standing.
/// </summary>
public static class SameOriginOnly
{
    /// <summary>Null when the request may go on; else why not.</summary>
    public static string? Refusal(HttpRequest request)
    {
        var origins = request.Headers.Origin;
        if (origins.Count == 0)
        {
            // Browsers also say where a request without Origin comes from; only a navigation may come from elsewhere.
            return request.Headers["Sec-Fetch-Site"] == "cross-site" && request.Headers["Sec-Fetch-Mode"] != "navigate"
                ? "Requests from other sites may not reach this dashboard."
                : null;
        }

        if (origins.Count > 1 || origins[0]!.Contains(',', StringComparison.Ordinal))
        {
            return "A request may carry one Origin header only.";
        }

        return IsSameOrigin(origins[0]!, request)
            ? null
            : $"Requests from {PrintableText.Of(origins[0]!, 100)} may not reach this dashboard.";
    }

    /// <summary>Scheme, host and port all equal the request's own (a page served over https may not talk to http, and the reverse).</summary>
    public static bool IsSameOrigin(string origin, HttpRequest request)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.PathAndQuery != "/" || origin.EndsWith('/')
            || !Uri.TryCreate($"{request.Scheme}://{request.Host.Value}", UriKind.Absolute, out var own))
        {
            return false;
        }

        return string.Equals(uri.Scheme, own.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.IdnHost, own.IdnHost, StringComparison.OrdinalIgnoreCase)
            && uri.Port == own.Port;
    }

    public static IApplicationBuilder UseSameOriginOnly(this IApplicationBuilder app)
        => app.Use(async (context, next) =>
        {
            if (Refusal(context.Request) is { } refusal)
            {
                await RefusalResponse.WriteAsync(context, StatusCodes.Status403Forbidden, "Cross-origin request refused", refusal);
                return;
            }

            await next(context);
        });
}
