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
public sealed class SessionRevalidator(ILoggerFactory loggerFactory, SessionStore sessions, HostLogin login, AccountDirectory accounts, IOptions<AuthOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(15);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
        => !options.Value.Enabled || await IsValidAsync(authenticationState.User, cancellationToken);

    private async Task<bool> IsValidAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (user.FindFirst(PassthruClaims.Session)?.Value is not { } session || !sessions.IsLive(session))
        {
            return false;
        }

        if (user.Identity?.Name is not { } name || await accounts.FindAsync(name, cancellationToken) is not { } account || !login.Policy.Allows(account))
        {
            return false;
        }

        sessions.KeepAlive(session);
        return true;
    }
}
