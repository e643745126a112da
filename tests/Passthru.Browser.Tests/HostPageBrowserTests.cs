using Microsoft.Playwright;

namespace Passthru.Browser.Tests;

public sealed class HostPageBrowserTests(DashboardServer server, BrowserFixture browser)
    : IClassFixture<DashboardServer>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task HostPage_ShowsChecksAndSwitchesToDarkThemeThatSticks()
    {
        var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        try
        {
            await page.GotoAsync(server.BaseAddress.ToString());
            await Assertions.Expect(page.Locator("#check-iommu-enabled")).ToHaveAttributeAsync("data-status", "Pass");
            await Assertions.Expect(page.Locator("#cmdline")).ToContainTextAsync("intel_iommu=on");
            await page.EvaluateAsync("() => document.fonts.ready");
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "host-light.png"), FullPage = true });

            await page.Locator("[data-interactive=true]").WaitForAsync();
            await page.Locator(".rz-appearance-toggle, button:has(i:text('dark_mode'))").First.ClickAsync();
            await Assertions.Expect(page.Locator("link[href*='material-dark']")).ToHaveCountAsync(1);

            // The choice is kept in a cookie: a new page load renders dark from the start.
            await page.ReloadAsync();
            await Assertions.Expect(page.Locator("link[href*='material-dark']")).ToHaveCountAsync(1);
            await page.EvaluateAsync("() => document.fonts.ready");
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "host-dark.png"), FullPage = true });
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
