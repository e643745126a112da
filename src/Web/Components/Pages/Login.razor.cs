using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Passthru.Core.Auth;
using Passthru.Core.Host;
using Passthru.Web.Auth;
using Passthru.Web.Hosting;

namespace Passthru.Web.Components.Pages;

/// <summary>
/// The login form, rendered and posted on the server (no circuit yet: there is nobody to open one
/// for). PAM checks the password; the groups decide; the session cookie is set; back to the page asked for.
/// </summary>
public partial class Login
{
    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    [SupplyParameterFromForm(Name = "Input", FormName = "login")]
    private LoginInput? Posted { get; set; }

    /// <summary>The form's fields: empty on a GET, filled from the post on a submit.</summary>
    private LoginInput Input => Posted ??= new();

    [SupplyParameterFromQuery]
    private string? ReturnUrl { get; set; }

    [Inject]
    private HostLogin HostLogin { get; set; } = default!;

    [Inject]
    private DeviceCookies DeviceCookies { get; set; } = default!;

    [Inject]
    private LogBudget LogBudget { get; set; } = default!;

    [Inject]
    private IOptions<AuthOptions> AuthOptions { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private ILogger<Login> Logger { get; set; } = default!;

    private string? Message { get; set; }

    private bool AuthEnabled => AuthOptions.Value.Enabled;

    /// <summary>The form posts back here with the page to return to, so it survives a wrong password too.</summary>
    private string FormAction => ReturnUrl is null ? "login" : $"login?returnUrl={Uri.EscapeDataString(LoginRedirects.SafeReturnUrl(ReturnUrl))}";

    private IReadOnlyList<string> AllowedGroups => HostLogin.Policy.AllowedGroups;

    /// <summary>How much of a typed user name the log shows: every real account name fits.</summary>
    private const int LoggedUserNameLength = 64;

    private async Task LogInAsync()
    {
        // Behind a trusted proxy or an SSH tunnel, the client's own address: one guesser must not slow everyone down.
        var address = ConnectionOrigin.Of(HttpContext).Client;
        var device = DeviceCookies.KnownDevice(HttpContext.Request, Input.User);
        var result = await HostLogin.LogInAsync(Input.User, Input.Password, address, device, HttpContext.RequestAborted);
        // Whatever was typed, as plain text of bounded length: no forged log lines, no terminal escapes.
        var user = PrintableText.Of(Input.User, LoggedUserNameLength);
        if (result.Outcome != LoginOutcome.LoggedIn)
        {
            if (LogBudget.TryTake(LoginFormLimits.RefusalLogKind, out var unlogged))
            {
                if (unlogged > 0)
                {
                    Logger.LogWarning("{Unlogged} refused logins were not logged (at most {PerMinute} a minute are)", unlogged, LogBudget.PerMinute);
                }

                Logger.LogWarning("Login refused for {User} from {Address}{Device}: {Outcome}, {Detail}",
                    user, address, device is null ? "" : " (a browser that logged in as this user before)", result.Outcome, result.Detail);
            }

            HttpContext.Response.StatusCode = result.Outcome == LoginOutcome.Throttled ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized;
            if (result.RetryAfter is { } wait)
            {
                HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            Message = result.Message;
            Input.Password = "";
            return;
        }

        DeviceCookies.Issue(HttpContext, Input.User);
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, result.User!),
            new Claim(PassthruClaims.Session, Guid.NewGuid().ToString("N")),
            new Claim(PassthruClaims.LoggedInAt, Time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)),
        ], CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        Logger.LogInformation("{User} logged in from {Address}", result.User, address);
        Navigation.NavigateTo(LoginRedirects.SafeReturnUrl(ReturnUrl));
    }

    internal sealed class LoginInput
    {
        [Required(ErrorMessage = "Type the user name.")]
        public string User { get; set; } = "";

        [Required(ErrorMessage = "Type the password.")]
        public string Password { get; set; } = "";
    }
}
