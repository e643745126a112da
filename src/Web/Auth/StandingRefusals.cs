using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Passthru.Core.Host;
using Passthru.Web.Hosting;

namespace Passthru.Web.Auth;

/// <summary>Every endpoint without a rule of its own needs an identified user in good standing (<see cref="StandingCheck"/>).</summary>
public sealed class StandingRequirement : IAuthorizationRequirement
{
    public static AuthorizationPolicy Policy { get; } = new AuthorizationPolicyBuilder()
        .RequireAuthenticatedUser()
        .AddRequirements(new StandingRequirement())
        .Build();
}

internal sealed class StandingRequirementHandler(StandingCheck standing) : AuthorizationHandler<StandingRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, StandingRequirement requirement)
    {
        if (context.User.Identity is not { IsAuthenticated: true })
        {
            return;
        }

        if (await standing.RefusalAsync(context.User) is { } refusal)
        {
            context.Fail(new AuthorizationFailureReason(this, refusal));
        }
        else
        {
            context.Succeed(requirement);
        }
    }
}

/// <summary>
/// A user who is identified but may not (or no longer) use Passthru gets the reason: 403 with a problem body
/// for the API, the hub and the circuit; a login session that lost its standing ends, and its pages go to the login.
/// </summary>
internal sealed class StandingRefusals(ILogger<StandingRefusals> logger, LogBudget logBudget) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden || authorizeResult.AuthorizationFailure?.FailureReasons.FirstOrDefault()?.Message is not { } reason)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        if (logBudget.TryTake(nameof(StandingRefusals), out var unlogged))
        {
            if (unlogged > 0)
            {
                logger.LogWarning("{Unlogged} refusals were not logged (at most {PerMinute} a minute are)", unlogged, LogBudget.PerMinute);
            }

            logger.LogWarning("Refused {User} from {Address}: {Reason}", PrintableText.Of(context.User.Identity?.Name ?? "", 256), context.Connection.RemoteIpAddress, reason);
        }
        if (context.User.HasClaim(claim => claim.Type == PassthruClaims.Session))
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            if (LoginRedirects.IsPageRequest(context.Request))
            {
                context.Response.Redirect(LoginRedirects.LoginPath);
                return;
            }
        }

        await RefusalResponse.WriteAsync(context, StatusCodes.Status403Forbidden, "Not allowed", reason);
    }
}
