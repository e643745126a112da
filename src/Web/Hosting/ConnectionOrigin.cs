using System.Net;
using System.Security.Claims;
using Passthru.Core.History;
using Passthru.Web.Auth;

namespace Passthru.Web.Hosting;

/// <summary>
/// Where a request really comes from, and where its connection meets this host's network, seen through the
/// documented remote paths: a proxy listed in <c>Passthru:TrustedProxies</c>, and an SSH tunnel
/// (<see cref="ConnectionOrigins"/> works it out once per request).
/// </summary>
/// <param name="Client">The person's address: the connection's far end, the client a trusted proxy names, or the SSH client behind a tunnel. Logins are throttled by it.</param>
/// <param name="ConnectionAddress">
/// What the safety rules must not cut (<see cref="Core.Safety.DetachRules"/>): this host's address the connection
/// (or the SSH session it was tunnelled through, or a proxy on another machine) arrives at, or the client's address
/// when a proxy on this host forwarded it, whose route names the interface. Loopback when nothing but loopback carries it.
/// </param>
/// <param name="Shown">The address as the history records it: the client, or "127.0.0.1 via ssh from 203.0.113.7" for a tunnel.</param>
public sealed record ConnectionOrigin(IPAddress? Client, IPAddress? ConnectionAddress, string? Shown)
{
    /// <summary>The origin of this request; without the middleware (a test server), the connection's own ends.</summary>
    public static ConnectionOrigin Of(HttpContext context)
        => context.Features.Get<ConnectionOrigin>() ?? Direct(context.Connection.RemoteIpAddress, context.Connection.LocalIpAddress);

    public static ConnectionOrigin Direct(IPAddress? remote, IPAddress? local) => new(remote, local, remote?.ToString());

    /// <summary>Who asked (the user or <c>token NAME</c>; "anonymous" before anyone is identified), and from where.</summary>
    public Actor ActorOf(ClaimsPrincipal user) => PassthruClaims.ActorOf(user, null) with { Address = Shown };
}
