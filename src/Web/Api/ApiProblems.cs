namespace Passthru.Web.Api;

/// <summary>Problem details the API answers with in more than one place.</summary>
internal static class ApiProblems
{
    /// <summary>400 for an address that is not <c>DDDD:BB:DD.F</c>; the parser's message says what was wrong.</summary>
    public static IResult MalformedAddress(string error)
        => Results.Problem(error, statusCode: StatusCodes.Status400BadRequest, title: "Malformed PCI address");

    /// <summary>400 for a <c>plan</c> that is not a fingerprint a dry run answered with; null when it is one, or absent.</summary>
    public static IResult? MalformedPlan(string? plan)
        => plan is null || Passthru.Core.Changes.PlanFingerprint.IsWellFormed(plan)
            ? null
            : Results.Problem(
                $"\"plan\": '{Passthru.Core.Host.PrintableText.Of(plan, 32)}' is not a plan's fingerprint; send the {Passthru.Core.Changes.PlanFingerprint.Length} hex digits a dry run answered with as \"fingerprint\".",
                statusCode: StatusCodes.Status400BadRequest, title: "Malformed plan");

    /// <summary>
    /// Problem details for an /api request that reached no endpoint, which routing answers with an empty
    /// body: a path that matches no route (an encoded slash or dot segments in an address, a group number
    /// too large for an int), a method the route does not take, a body that is not JSON. Other paths keep
    /// their empty status.
    /// </summary>
    public static async Task WriteForEmptyStatusAsync(Microsoft.AspNetCore.Diagnostics.StatusCodeContext context)
    {
        var http = context.HttpContext;
        if (!http.Request.Path.StartsWithSegments("/api"))
        {
            return;
        }

        var (title, detail) = http.Response.StatusCode switch
        {
            // A token the handler refused (unknown, revoked, its maker no longer allowed).
            StatusCodes.Status401Unauthorized => ("Not logged in", Auth.LoginRedirects.NotLoggedInDetail),
            StatusCodes.Status404NotFound => ("No such endpoint", $"There is no API endpoint {http.Request.Method} {http.Request.Path}."),
            StatusCodes.Status405MethodNotAllowed => ("Method not allowed", $"{http.Request.Path} does not take {http.Request.Method}."),
            StatusCodes.Status413PayloadTooLarge => ApiBodyLimit.Problem,
            StatusCodes.Status415UnsupportedMediaType => ("JSON required", "This endpoint takes a JSON body (Content-Type: application/json)."),
            _ => ("Request refused", $"{http.Request.Method} {http.Request.Path} was refused."),
        };
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = http.Response.StatusCode, Title = title, Detail = detail },
        });
    }

    /// <summary>503 for a change that cannot be journaled: no journal, no action.</summary>
    public static IResult CannotJournal(Passthru.Core.History.HistoryUnavailableException ex)
        => Results.Problem($"Refusing to act: the operation cannot be journaled. {ex.Message}", statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "History unavailable");
}
