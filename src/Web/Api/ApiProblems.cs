namespace Passthru.Web.Api;

/// <summary>Problem details the API answers with in more than one place.</summary>
internal static class ApiProblems
{
    /// <summary>400 for an address that is not <c>DDDD:BB:DD.F</c>; the parser's message says what was wrong.</summary>
    public static IResult MalformedAddress(string error)
        => Results.Problem(error, statusCode: StatusCodes.Status400BadRequest, title: "Malformed PCI address");

    /// <summary>503 for a change that cannot be journaled: no journal, no action.</summary>
    public static IResult CannotJournal(Passthru.Core.History.HistoryUnavailableException ex)
        => Results.Problem($"Refusing to act: the operation cannot be journaled. {ex.Message}", statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "History unavailable");
}
