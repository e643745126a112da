namespace Passthru.Web.Auth;

/// <summary>
/// The headers every response carries. Clickjacking a "detach" button and running injected script
/// in the page of a root dashboard are the attacks they stop.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Scripts only from this site, none inline, no eval (Blazor Server and MudBlazor need neither; .NET's
    /// inline import map is left out of the page). Styles allow inline blocks and attributes: MudBlazor's
    /// theme provider writes its colours as an inline style block, and its components set style="…".
    /// Images may be data: URIs (MudBlazor's inline SVG backgrounds). Never framed, forms post only here,
    /// and the circuit's WebSocket goes only to this site.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
        => app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            // Nothing about a page leaves for another site; this site's own requests keep naming their origin,
            // which SameOriginOnly needs (under no-referrer a browser posts a form with Origin: null).
            headers["Referrer-Policy"] = "same-origin";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            if (context.Request.IsHttps)
            {
                headers.StrictTransportSecurity = "max-age=31536000";
            }

            await next(context);
        });
}
