using System.Net;
using System.Net.Http.Headers;
using Microsoft.Playwright;
using Passthru.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Passthru.Browser.Tests;

/// <summary>The dashboard with logins on, checking passwords with real PAM against the accounts test.sh made.</summary>
public sealed class LoginDashboardServer : DashboardServer
{
    protected override IEnumerable<string> ExtraArguments =>
        ["--Passthru:Auth:Enabled", "true", "--Passthru:Auth:PamService", PamTestAccounts.MissingReason is null ? PamTestAccounts.Service : "passthru"];
}

public sealed class LoginBrowserTests(LoginDashboardServer server, BrowserFixture browser)
    : IClassFixture<LoginDashboardServer>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task TheLoginPage_LoadsEverythingItNeeds_WithoutALogin()
    {
        var context = await browser.Browser.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync();
            var problems = PageProblems.Watch(page);

            await page.GotoAsync(new Uri(server.BaseAddress, "login").ToString(), new() { WaitUntil = WaitUntilState.NetworkIdle });

            await Expect(page.Locator("#login-form")).ToBeVisibleAsync();
            problems.AssertNone("the login page before logging in");
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    [PamFact]
    public async Task LogIn_SeeTheGroups_LogOut_AndBeSentBackToTheLogin()
    {
        var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var blocked = CollectContentSecurityViolations(page);
        try
        {
            await page.GotoAsync(new Uri(server.BaseAddress, "groups").ToString());
            await Expect(page).ToHaveURLAsync(new Uri(server.BaseAddress, "login?ReturnUrl=%2Fgroups").ToString());

            await page.Locator("#login-user").FillAsync(PamTestAccounts.Admin);
            await page.Locator("#login-password").FillAsync(PamTestAccounts.AdminPassword + "-wrong");
            await page.Locator("#login-submit").ClickAsync();
            await Expect(page.Locator("#login-error")).ToHaveTextAsync("Wrong user name or password.");

            await page.Locator("#login-password").FillAsync(PamTestAccounts.AdminPassword);
            await page.Locator("#login-submit").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Uri(server.BaseAddress, "groups").ToString());
            await Expect(page.Locator(".group-card").First).ToBeVisibleAsync();
            await Expect(page.Locator("#logged-in-user")).ToHaveTextAsync(PamTestAccounts.Admin);
            await page.Locator("[data-interactive=true]").WaitForAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "logged-in-groups.png") });

            await page.Locator("#logout").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Uri(server.BaseAddress, "login").ToString());
            await page.GotoAsync(new Uri(server.BaseAddress, "groups").ToString());
            await Expect(page.Locator("#login-form")).ToBeVisibleAsync();
            Assert.Empty(blocked);
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    [PamFact]
    public async Task LoggingOutInOneTab_SendsTheSessionsOtherOpenTabToTheLogin()
    {
        var context = await browser.Browser.NewContextAsync();
        var first = await context.NewPageAsync();
        var second = await context.NewPageAsync();
        try
        {
            await LogInAsync(first, "/interrupts");
            await second.GotoAsync(new Uri(server.BaseAddress, "history").ToString());
            await second.Locator("[data-interactive=true]").WaitForAsync();

            await first.Locator("#logout").ClickAsync();

            // The second tab's circuit is still open; the session's revalidation (every 15 s) ends it.
            await Expect(second.Locator("#login-form")).ToBeVisibleAsync(new() { Timeout = 40_000 });
            await Expect(second).ToHaveURLAsync(new Uri(server.BaseAddress, "login?returnUrl=%2Fhistory").ToString());
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    [PamFact]
    public async Task ATokenMadeOnThePage_WorksForScripts_UntilRevokedOnThePage()
    {
        var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var blocked = CollectContentSecurityViolations(page);
        using var script = new HttpClient { BaseAddress = server.BaseAddress };
        try
        {
            await LogInAsync(page, "/tokens");

            var name = $"backup-{Guid.NewGuid():N}"[..16];
            await page.Locator("#token-name").FillAsync(name);
            await page.Locator("#token-create").ClickAsync();
            var secret = (await page.Locator("#token-secret").TextContentAsync())!.Trim();
            script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/groups")).StatusCode);

            await page.Locator($".token-revoke[data-token='{name}']").ClickAsync();
            await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
            await Expect(page.Locator($".token-revoke[data-token='{name}']")).ToHaveCountAsync(0);
            Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/groups")).StatusCode);

            // Both steps are in the history, in the user's name and with the browser's address.
            await page.Locator("#nav-history").ClickAsync();
            var made = page.Locator("#history-grid tr", new() { HasText = "make API token" }).Filter(new() { HasText = name });
            await Expect(made).ToContainTextAsync(PamTestAccounts.Admin);
            await Expect(made).ToContainTextAsync("127.0.0.1");
            await Expect(page.Locator("#history-grid tr", new() { HasText = "revoke API token" }).Filter(new() { HasText = name })).ToHaveCountAsync(1);
            Assert.Empty(blocked);
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    /// <summary>Logs in as the test admin through the form, and waits until the page asked for is live.</summary>
    private async Task LogInAsync(IPage page, string returnPath)
    {
        await page.GotoAsync(new Uri(server.BaseAddress, $"login?returnUrl={Uri.EscapeDataString(returnPath)}").ToString());
        await page.Locator("#login-user").FillAsync(PamTestAccounts.Admin);
        await page.Locator("#login-password").FillAsync(PamTestAccounts.AdminPassword);
        await page.Locator("#login-submit").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(server.BaseAddress, returnPath.TrimStart('/')).ToString());
        await page.Locator("[data-interactive=true]").WaitForAsync();
    }

    /// <summary>What the Content-Security-Policy stopped on the page: it must stop nothing the dashboard itself needs.</summary>
    private static List<string> CollectContentSecurityViolations(IPage page)
    {
        var blocked = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                blocked.Add(message.Text);
            }
        };
        return blocked;
    }
}
