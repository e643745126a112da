using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Passthru.Browser.Tests;

/// <summary>
/// Claim at boot, end to end in Chromium on a fixture root (the tree is the configuration root too, as the host root is by
/// default): the dialog shows the files with their diffs, the claim writes them, the Host page lists the claim and what this
/// boot did with it (a captured tree never booted with it: not applied), and a release there removes the rule again.
/// </summary>
public sealed class BootClaimBrowserTests(DashboardServer server, BrowserFixture browser)
    : IClassFixture<DashboardServer>, IClassFixture<BrowserFixture>
{
    private const string Rule = "etc/udev/rules.d/61-passthru-vfio-0000:00:1b.0.rules";

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task ClaimFromTheDevicePage_ListedOnTheHostPage_ReleasedThere(string theme)
    {
        var page = await browser.NewThemedPageAsync(server.BaseAddress, theme);
        var problems = PageProblems.Watch(page);
        try
        {
            await page.GotoAsync(new Uri(server.BaseAddress, "devices/0000:00:1b.0").ToString());
            await page.Locator("[data-interactive=true]").WaitForAsync();
            await page.Locator("#claim-at-boot").ClickAsync();

            var dialog = page.Locator(".mud-dialog", new() { Has = page.Locator("#boot-claim-dialog") });
            var rule = dialog.Locator($"#boot-files .file-change[data-path='/{Rule}']");
            await Expect(rule).ToHaveAttributeAsync("data-change", "create");
            await Expect(rule.Locator(".diff-added")).ToHaveCountAsync(2);
            await Expect(rule).ToContainTextAsync("ATTR{driver_override}=\"vfio-pci\"");
            Assert.False(File.Exists(server.TreePath(Rule)));
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, $"claim-dialog-{theme}.png") });
            await Axe.AssertContrastAsync(page, $"claim-dialog-{theme}");

            await dialog.Locator("#boot-claim-run").ClickAsync();
            await Expect(dialog.Locator("#boot-outcome")).ToHaveAttributeAsync("data-status", "Succeeded");
            Assert.Contains("KERNEL==\"0000:00:1b.0\"", await File.ReadAllTextAsync(server.TreePath(Rule)));
            await dialog.Locator("#boot-claim-close").ClickAsync();
            await Expect(page.Locator("#release-at-boot")).ToBeVisibleAsync();

            await page.GotoAsync(server.BaseAddress.ToString());
            await page.Locator("[data-interactive=true]").WaitForAsync();
            var claim = page.Locator("#boot-claims tr[data-address='0000:00:1b.0']");
            await Expect(claim).ToHaveAttributeAsync("data-state", "NotApplied");
            await Expect(page.Locator("#check-boot-claims")).ToHaveAttributeAsync("data-status", "Fail");
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, $"host-claims-{theme}.png"), FullPage = true });
            await Axe.AssertContrastAsync(page, $"host-claims-{theme}");

            await claim.Locator(".release-claim").ClickAsync();
            await page.Locator("#boot-claim-run").ClickAsync();
            await Expect(page.Locator("#boot-outcome")).ToHaveAttributeAsync("data-status", "Succeeded");
            Assert.False(File.Exists(server.TreePath(Rule)));
            await page.Locator("#boot-claim-close").ClickAsync();
            await Expect(page.Locator("#boot-claims-none")).ToBeVisibleAsync();
            Assert.Empty(problems.Found);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
