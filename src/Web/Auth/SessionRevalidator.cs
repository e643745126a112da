using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Passthru.Core.Auth;

namespace Passthru.Web.Auth;

/// <summary>
/// An open dashboard tab stays connected for hours without an HTTP request, so its user's standing is
/// checked again every few seconds (<see cref="StandingCheck"/>); a live login session is kept alive by it.
/// When the user may no longer go on, the page goes to the login (see LoginGate).
/// </summary>
public sealed class SessionRevalidator(ILoggerFactory loggerFactory, SessionStore sessions, StandingCheck standing)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(15);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        if (await standing.RefusalAsync(authenticationState.User, cancellationToken) is not null)
        {
            return false;
        }

        if (authenticationState.User.FindFirst(PassthruClaims.Session)?.Value is { } session)
        {
            sessions.KeepAlive(session);
        }

        return true;
    }
}
