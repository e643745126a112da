using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Passthru.Core.Auth;
using Passthru.Core.Host;
using Passthru.Web.Hosting;

namespace Passthru.Web.Auth;

/// <summary>
/// With logins off, the user is the local account that opened the connection: the kernel lists the owner
/// of the client's socket. Everyone on the host can reach the loopback port, so this is what keeps a
/// user outside the allowed groups from acting as root through Passthru (<see cref="StandingCheck"/> decides).
/// </summary>
/// <remarks>
/// Chosen over a Unix socket with SO_PEERCRED (browsers cannot open one, so `dotnet run` would need a
/// proxy) and over requiring logins as root (an SSH tunnel to a root service would need a password too).
/// The owner is looked up once per TCP connection: a socket does not change hands.
/// </remarks>
public sealed class LocalPeerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ILocalPeerIdentifier peers, AccountDirectory accounts)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "LocalPeer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var connection = Context.Connection;
        if (connection.RemoteIpAddress is not { } remote || connection.LocalIpAddress is not { } local || !IPAddresses.IsLoopback(remote))
        {
            return AuthenticateResult.Fail("Without logins, Passthru serves only connections from this host's own users over loopback.");
        }

        var uid = await OwnerAsync(new IPEndPoint(remote, connection.RemotePort), new IPEndPoint(local, connection.LocalPort));
        if (uid is null)
        {
            return AuthenticateResult.Fail("The local user behind this connection could not be found in the kernel's socket table.");
        }

        var account = await accounts.FindByUidAsync(uid.Value, Context.RequestAborted);
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, account?.Name ?? $"uid {uid.Value.ToString(CultureInfo.InvariantCulture)}"),
            new Claim(PassthruClaims.LocalUid, uid.Value.ToString(CultureInfo.InvariantCulture)),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
        => RefusalResponse.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Not identified",
            "Without logins, Passthru serves only this host's own users, identified by the owner of their loopback connection; this one could not be identified.");

    private static readonly object OwnerKey = new();

    private Task<uint?> OwnerAsync(IPEndPoint client, IPEndPoint server)
        => PerConnection.GetOrAddAsync(Context, OwnerKey, () => peers.FindOwnerAsync(client, server, CancellationToken.None));
}
