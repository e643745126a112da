using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Passthru.Web.Auth;

/// <summary>
/// Who gets the login page and who gets 401: a person opening a page is sent to log in; the API, the
/// hub and the Blazor circuit's own connection get 401 with a plain reason (a redirect to an HTML
/// page would only confuse a script).
/// </summary>
internal static class LoginRedirects
{
    public const string LoginPath = "/login";

    public const string NotLoggedInDetail = "Log in to the dashboard, or send an API token: Authorization: Bearer ptk_… (made on the API tokens page).";

    public static Task ToLoginOr401(RedirectContext<CookieAuthenticationOptions> context)
    {
        if (IsPageRequest(context.Request))
        {
            context.Response.Redirect(context.RedirectUri);
            return Task.CompletedTask;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return context.Response.WriteAsJsonAsync(new
        {
            title = "Not logged in",
            status = 401,
            detail = NotLoggedInDetail,
        });
    }

    public static Task Forbidden(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    public static bool IsPageRequest(HttpRequest request)
        => HttpMethods.IsGet(request.Method)
            && !request.Path.StartsWithSegments("/api")
            && !request.Path.StartsWithSegments("/hubs")
            && !request.Path.StartsWithSegments("/_blazor");

    /// <summary>A login form's return address, only ever a path on this site (never "//evil" or "https://…").</summary>
    public static string SafeReturnUrl(string? returnUrl)
        => returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
            && !url.Contains("://", StringComparison.Ordinal) && !url.Any(char.IsControl)
            && !url.StartsWith(LoginPath, StringComparison.OrdinalIgnoreCase)
            ? url
            : "/";
}
