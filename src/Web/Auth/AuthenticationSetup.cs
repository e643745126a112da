using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using Passthru.Core.Auth;
using Passthru.Core.Host;
using Passthru.Web.Hosting;

namespace Passthru.Web.Auth;

/// <summary>
/// Who is asking, and whether they may. With <c>Passthru:Auth:Enabled</c> on: a login with a host account
/// (cookie session) or an API token. Off: the local account that owns the loopback connection (the dashboard
/// then listens on loopback only). Either way every endpoint without its own rule needs an identified user
/// in good standing (<see cref="StandingRequirement"/>), and the actor in the history is that user.
/// </summary>
public static class AuthenticationSetup
{
    /// <summary>Picks the token handler for <c>Authorization: Bearer</c>; otherwise the login cookie, or the local connection's owner with logins off.</summary>
    public const string Scheme = "Passthru";

    public const string CookieName = "passthru.session";

    public static AuthOptions ReadOptions(IConfiguration configuration)
        => configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();

    public static IServiceCollection AddPassthruAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var auth = ReadOptions(configuration);
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<DeviceCookies>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<ApiTokenStore>();
        services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, SessionStoreCookieSetup>();
        services.AddSingleton<AccountDirectory>();
        services.AddSingleton<ILocalPeerIdentifier, LoopbackPeerIdentifier>();
        services.AddSingleton<StandingCheck>();
        services.AddSingleton<LogBudget>();
        services.AddSingleton<StandingWatch>();
        services.AddHostedService(sp => sp.GetRequiredService<StandingWatch>());
        services.AddSingleton<IAuthorizationHandler, StandingRequirementHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, StandingRefusals>();
        services.AddSingleton(sp => new HostLogin(PamServices.Resolve(sp.GetRequiredService<IOptions<AuthOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Passthru.Auth")), sp.GetRequiredService<LoginThrottle>(), sp.GetRequiredService<AccountDirectory>()));

        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Login cookie or API token", options =>
                options.ForwardDefaultSelector = context => ApiTokenAuthenticationHandler.HasBearer(context.Request)
                    ? ApiTokenAuthenticationHandler.SchemeName
                    : auth.Enabled ? CookieAuthenticationDefaults.AuthenticationScheme : LocalPeerAuthenticationHandler.SchemeName)
            .AddCookie(options =>
            {
                options.Cookie.Name = CookieName;
                options.Cookie.HttpOnly = true;
                // Never sent with another site's request: no cross-site action can ride on a login.
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = TimeSpan.FromMinutes(auth.SessionIdleMinutes);
                options.SlidingExpiration = true;
                options.LoginPath = LoginRedirects.LoginPath;
                options.Events.OnRedirectToLogin = LoginRedirects.ToLoginOr401;
                options.Events.OnRedirectToAccessDenied = LoginRedirects.Forbidden;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, LocalPeerAuthenticationHandler>(LocalPeerAuthenticationHandler.SchemeName, null);

        services.AddAuthorization(options =>
        {
            // Every endpoint without its own rule (pages, API, hub, the circuit's connection) needs a user in good standing.
            options.FallbackPolicy = StandingRequirement.Policy;
            options.DefaultPolicy = StandingRequirement.Policy;
        });
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, SessionRevalidator>();
        return services;
    }

    public static void UsePassthruAuthentication(this WebApplication app)
    {
        app.UseSameOriginOnly();
        app.UseAuthentication();
        app.UseAuthorization();
        StandingWatch.UseStandingWatch(app);
    }

    public static void MapLogout(this WebApplication app)
        => app.MapPost("/logout", async (HttpContext context, IAntiforgery antiforgery, ILoggerFactory loggers) =>
            {
                // A form post: another site's page must not be able to log a user out either. (The antiforgery
                // middleware only marks the request; an endpoint that binds no form must check it itself.)
                if (!await antiforgery.IsRequestValidAsync(context))
                {
                    return Results.Problem("The logout form's antiforgery token is missing or wrong.", statusCode: StatusCodes.Status400BadRequest);
                }

                var name = context.User.Identity?.Name;
                await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                loggers.CreateLogger("Passthru.Auth").LogInformation("{User} logged out from {Address}", name is null ? null : PrintableText.Of(name, 256), context.Connection.RemoteIpAddress);
                return Results.Redirect(LoginRedirects.LoginPath);
            })
            .AllowAnonymous();
}
