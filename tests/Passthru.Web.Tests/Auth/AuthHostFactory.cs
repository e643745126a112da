using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Passthru.TestSupport;
using Passthru.Web.Tests.Api;

namespace Passthru.Web.Tests.Auth;

/// <summary>The whole app with logins on, checking passwords with the project's PAM service file as test.sh installed it.</summary>
public sealed partial class AuthHostFactory : CapturedHostFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Passthru:Auth:Enabled", "true");
        builder.UseSetting("Passthru:Auth:PamService", PamTestAccounts.MissingReason is null ? PamTestAccounts.Service : "passthru");
    }

    /// <summary>A client that keeps cookies and shows redirects instead of following them.</summary>
    public HttpClient NewClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>Logs in through the login form, as a browser does: its antiforgery token, then the post.</summary>
    public static async Task<HttpResponseMessage> LogInAsync(HttpClient client, string user, string password, string? returnUrl = null)
    {
        var form = new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = await AntiforgeryTokenAsync(client, "/login"),
            ["Input.User"] = user,
            ["Input.Password"] = password,
        };
        return await client.PostAsync(returnUrl is null ? "/login" : $"/login?returnUrl={Uri.EscapeDataString(returnUrl)}", new FormUrlEncodedContent(form));
    }

    /// <summary>The antiforgery token a page's form carries (it pairs with the antiforgery cookie the same GET set).</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string page)
    {
        var html = await client.GetStringAsync(page);
        var match = AntiforgeryField().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException($"{page} has no antiforgery token");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
