using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Passthru.Core.Auth;
using Passthru.Core.History;

namespace Passthru.Web.Auth;

/// <summary>
/// <c>Authorization: Bearer ptk_…</c> for scripts. A token acts with its maker's standing: when the
/// maker is no longer in an allowed group, the token stops working too (<see cref="StandingCheck"/>).
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiTokenStore tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    private const string BearerPrefix = "Bearer ";

    public static bool HasBearer(HttpRequest request)
        => request.Headers.Authorization is [{ } value] && value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!HasBearer(Request))
        {
            return AuthenticateResult.NoResult();
        }

        ApiToken? token;
        try
        {
            token = await tokens.FindAsync(Request.Headers.Authorization.ToString()[BearerPrefix.Length..].Trim(), Context.RequestAborted);
        }
        catch (HistoryUnavailableException ex)
        {
            return AuthenticateResult.Fail($"Tokens cannot be checked: {ex.Message}");
        }

        if (token is null)
        {
            return AuthenticateResult.Fail("The token is unknown or was revoked.");
        }

        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, $"token {token.Name}"),
            new Claim(PassthruClaims.TokenOwner, token.Owner),
            new Claim(PassthruClaims.TokenId, token.Id.ToString(CultureInfo.InvariantCulture)),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
