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

    /// <summary>For an API token: its id, to find out whether it was revoked while a stream it opened is still running.</summary>
    public const string TokenId = "passthru:token-id";

    /// <summary>With logins off: the uid that owns the local connection's client socket.</summary>
    public const string LocalUid = "passthru:local-uid";

    /// <summary>When the login happened (ISO 8601), for the session's absolute end.</summary>
    public const string LoggedInAt = "passthru:logged-in-at";

    /// <summary>The actor when nobody could be named (a request refused before anyone was identified).</summary>
    public const string Anonymous = "anonymous";

    public static Actor ActorOf(ClaimsPrincipal user, IPAddress? remoteAddress)
        => new(user.Identity is { IsAuthenticated: true, Name: { } name } ? name : Anonymous, remoteAddress?.ToString());
}
