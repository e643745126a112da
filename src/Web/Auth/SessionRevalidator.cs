using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;
using Passthru.Core.Auth;

namespace Passthru.Web.Auth;

/// <summary>
/// An open dashboard tab stays connected for hours without an HTTP request, so its login is checked
/// again every few seconds: the session must still exist (not logged out, not run out) and the user
/// must still be in an allowed group. When not, the page goes to the login (see LoginGate).
/// </summary>
public sealed class SessionRevalidator(ILoggerFactory loggerFactory, SessionStore sessions, HostLogin login, IOptions<AuthOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(15);

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
        => Task.FromResult(!options.Value.Enabled || IsValid(authenticationState.User));

    private bool IsValid(ClaimsPrincipal user)
    {
        if (user.FindFirst(PassthruClaims.Session)?.Value is not { } session || !sessions.IsLive(session))
        {
            return false;
        }

        if (user.Identity?.Name is not { } name || HostAccounts.Find(name) is not { } account || !login.Policy.Allows(account))
        {
            return false;
        }

        sessions.KeepAlive(session);
        return true;
    }
}
