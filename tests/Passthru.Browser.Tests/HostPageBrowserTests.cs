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
            await Assertions.Expect(page.Locator(".passthru-layout")).ToHaveAttributeAsync("data-theme", "light");
            await page.Locator("#theme-menu button").ClickAsync();
            await page.Locator("#theme-dark").ClickAsync();
            await Assertions.Expect(page.Locator(".passthru-layout")).ToHaveAttributeAsync("data-theme", "dark");
            Assert.Equal("rgb(13, 17, 23)", await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor"));

            // The choice is kept in a cookie: a new page load is drawn dark by the server, before any script runs.
            var reloaded = await page.ReloadAsync();
            Assert.Contains("data-theme=\"dark\"", await reloaded!.TextAsync(), StringComparison.Ordinal);
            await Assertions.Expect(page.Locator(".passthru-layout")).ToHaveAttributeAsync("data-theme", "dark");
            await page.EvaluateAsync("() => document.fonts.ready");
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "host-dark.png"), FullPage = true });
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
