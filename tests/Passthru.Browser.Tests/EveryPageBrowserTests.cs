using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Passthru.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Passthru.Browser.Tests;

/// <summary>The dashboard as a person meets it: logins on (real PAM), libvirt's test driver with its guests, the captured tree.</summary>
public sealed class ShowcaseDashboardServer : DashboardServer
{
    protected override string LibvirtUri => LibvirtTestHost.Uri;

    protected override IEnumerable<string> ExtraArguments =>
        ["--Passthru:Auth:Enabled", "true", "--Passthru:Auth:PamService", PamTestAccounts.MissingReason is null ? PamTestAccounts.Service : "passthru"];
}

/// <summary>
/// Every page and both dialogs, in the light and the dark theme, logged in: no console error, no blocked script or style
/// (the Content-Security-Policy reports to the console), no failed request, and every text readable (axe-core's
/// contrast rule). Each leaves a screenshot in test-results/browser/pages.
/// </summary>
public sealed class EveryPageBrowserTests(ShowcaseDashboardServer server, BrowserFixture browser)
    : IClassFixture<ShowcaseDashboardServer>, IClassFixture<BrowserFixture>
{
    private static readonly string Screenshots = Path.Combine(BrowserFixture.ArtifactsDirectory, "pages");

    /// <summary>Each page, and what shows it is drawn with its data.</summary>
    private static readonly (string Name, string Path, string Ready)[] Pages =
    [
        ("host", "", "#checks tbody tr"),
        ("groups", "groups", ".group-card"),
        ("device", "devices/0000:04:00.6", "#verdict-summary"),
        ("guests", "guests", ".guest-card .guest-state"),
        ("interrupts", "interrupts", "#interrupt-table tr.irq-row"),
        ("history", "history", "#history-grid .operation-status"),
        ("tokens", "tokens", "#tokens-grid .token-revoke"),
    ];

    [PamTheory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task EveryPage_InThisTheme_HasNoErrorsNoFailedRequestsAndReadableText(string theme)
    {
        Directory.CreateDirectory(Screenshots);
        var page = await browser.NewThemedPageAsync(server.BaseAddress, theme);
        var problems = PageProblems.Watch(page);
        try
        {
            await LogInAsync(page);
            await MakeHistoryAsync(page);

            foreach (var (name, path, ready) in Pages)
            {
                await page.GotoAsync(new Uri(server.BaseAddress, path).ToString());
                await page.Locator("[data-interactive=true]").WaitForAsync();
                await Expect(page.Locator(".passthru-layout")).ToHaveAttributeAsync("data-theme", theme);
                await page.Locator(ready).First.WaitForAsync();
                await CheckAsync(page, problems, $"{name}-{theme}");
            }

            await page.GotoAsync(new Uri(server.BaseAddress, "devices/0000:00:1b.0").ToString());
            await page.Locator("[data-interactive=true]").WaitForAsync();
            await page.Locator("#detach").ClickAsync();
            await page.Locator("#plan tr[data-address='0000:00:1b.0']").WaitForAsync();
            await CheckAsync(page, problems, $"dialog-detach-{theme}", fullPage: false);

            await page.GotoAsync(new Uri(server.BaseAddress, "guests").ToString());
            await page.Locator("[data-interactive=true]").WaitForAsync();
            await page.Locator(".guest-card[data-guest='vm-off'] .attach-device").ClickAsync();
            await page.Locator("#attach-devices tr[data-address='0000:01:00.1'] input[type=checkbox]").ClickAsync();
            await page.Locator("#attach-refusals").WaitForAsync();
            await CheckAsync(page, problems, $"dialog-give-{theme}", fullPage: false);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [PamTheory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task LoginAndNotFound_InThisTheme_AreReadableAndError404Only(string theme)
    {
        Directory.CreateDirectory(Screenshots);
        var page = await browser.NewThemedPageAsync(server.BaseAddress, theme);
        var problems = PageProblems.Watch(page);
        try
        {
            await page.GotoAsync(new Uri(server.BaseAddress, "login").ToString());
            await Expect(page.Locator(".login-frame")).ToHaveAttributeAsync("data-theme", theme);
            await CheckAsync(page, problems, $"login-{theme}");

            await LogInAsync(page);
            var missing = await page.GotoAsync(new Uri(server.BaseAddress, "no-such-page").ToString());
            Assert.Equal(404, missing!.Status);
            await Expect(page.Locator("#not-found")).ToBeVisibleAsync();
            await page.Locator("[data-interactive=true]").WaitForAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, $"not-found-{theme}.png") });
            // The page's own 404, which Chromium also reports on the console; nothing else.
            Assert.Equal([$"HTTP 404: GET {new Uri(server.BaseAddress, "no-such-page")}", "console error: Failed to load resource: the server responded with a status of 404 (Not Found)"],
                problems.Found);
            await Axe.AssertContrastAsync(page, $"not-found-{theme}");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [PamFact]
    public async Task NoChoiceMade_FollowsTheSystemsDarkPreference()
    {
        var context = await browser.Browser.NewContextAsync(new() { ColorScheme = ColorScheme.Dark });
        var page = await context.NewPageAsync();
        var problems = PageProblems.Watch(page);
        try
        {
            await page.GotoAsync(new Uri(server.BaseAddress, "login").ToString());
            Assert.Equal("rgb(13, 17, 23)", await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.login-frame')).backgroundColor"));

            await LogInAsync(page);
            await page.Locator("[data-interactive=true]").WaitForAsync();
            await Expect(page.Locator(".passthru-layout")).ToHaveAttributeAsync("data-theme", "dark");
            problems.AssertNone("the dashboard following the system's theme");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>Screenshot, then the checks: nothing went wrong on the way, and every text is readable.</summary>
    private static async Task CheckAsync(IPage page, PageProblems problems, string name, bool fullPage = true)
    {
        await page.EvaluateAsync("() => document.fonts.ready");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, $"{name}.png"), FullPage = fullPage });
        problems.AssertNone(name);
        await Axe.AssertContrastAsync(page, name);
    }

    private async Task LogInAsync(IPage page)
    {
        if (!page.Url.Contains("/login", StringComparison.Ordinal))
        {
            await page.GotoAsync(new Uri(server.BaseAddress, "login").ToString());
        }

        await page.Locator("#login-user").FillAsync(PamTestAccounts.Admin);
        await page.Locator("#login-password").FillAsync(PamTestAccounts.AdminPassword);
        await page.Locator("#login-submit").ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(new Regex("/login"));
    }

    /// <summary>Something in the history and the token list: a detach that fails on the fixture root, a refused one, a token.</summary>
    private async Task MakeHistoryAsync(IPage page)
    {
        var api = page.Context.APIRequest;
        Assert.Equal(500, (await api.PostAsync(new Uri(server.BaseAddress, "api/devices/0000:00:1b.0/detach").ToString(), new() { DataObject = new { } })).Status);
        Assert.Equal(409, (await api.PostAsync(new Uri(server.BaseAddress, "api/groups/12/detach").ToString(), new() { DataObject = new { } })).Status);
        await page.GotoAsync(new Uri(server.BaseAddress, "tokens").ToString());
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await page.Locator("#token-name").FillAsync($"screenshot-{Guid.NewGuid():N}"[..19]);
        await page.Locator("#token-create").ClickAsync();
        await page.Locator("#token-secret").WaitForAsync();
    }
}
