using System.Net;
using System.Security.Claims;
using Passthru.Core.History;

namespace Passthru.Web.Auth;

/// <summary>The claims Passthru puts on its users, and the actor the history records for a request.</summary>
public static class PassthruClaims
{
    /// <summary>The server-side session a login cookie stands for (see <see cref="SessionStore"/>).</summary>
    public const string Session = "passthru:session";

    /// <summary>For an API token: the user who made it, whose standing it carries.</summary>
    public const string TokenOwner = "passthru:token-owner";

    /// <summary>When the login happened (ISO 8601), for the session's absolute end.</summary>
    public const string LoggedInAt = "passthru:logged-in-at";

    /// <summary>The actor without a login (authentication off): the address alone says who.</summary>
    public const string Anonymous = "anonymous";

    public static Actor ActorOf(ClaimsPrincipal user, IPAddress? remoteAddress)
        => new(user.Identity is { IsAuthenticated: true, Name: { } name } ? name : Anonymous, remoteAddress?.ToString());
}
