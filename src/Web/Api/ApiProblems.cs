namespace Passthru.Web.Api;

/// <summary>Problem details the API answers with in more than one place.</summary>
internal static class ApiProblems
{
    /// <summary>400 for an address that is not <c>DDDD:BB:DD.F</c>; the parser's message says what was wrong.</summary>
    public static IResult MalformedAddress(string error)
        => Results.Problem(error, statusCode: StatusCodes.Status400BadRequest, title: "Malformed PCI address");
}
