namespace Passthru.Web.Auth;

/// <summary>The body of a request refused before any endpoint ran (not identified, not allowed, another site's).</summary>
internal static class RefusalResponse
{
    /// <summary>Problem JSON for programs; the same words as plain text for a person's browser.</summary>
    public static Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        if (LoginRedirects.IsPageRequest(context.Request))
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync($"{title}: {detail}\n");
        }

        return context.Response.WriteAsJsonAsync(new { title, status, detail }, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
    }
}
