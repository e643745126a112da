using Microsoft.Playwright;

namespace Passthru.Browser.Tests;

/// <summary>The detach click, end to end in Chromium, on a fixture root: the dry run, the outcome, and the history entry.</summary>
public sealed class BindingBrowserTests(DashboardServer server, BrowserFixture browser)
    : IClassFixture<DashboardServer>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task DetachClick_ShowsDryRunThenOutcomeAndLandsInHistory()
    {
        var page = await browser.Browser.NewPageAsync();
        try
        {
            await page.GotoAsync(new Uri(server.BaseAddress, "devices/0000:00:1b.0").ToString());
            await page.Locator("[data-interactive=true]").WaitForAsync();
            await page.Locator("#detach").ClickAsync();

            var dialog = page.Locator(".mud-dialog", new() { Has = page.Locator("#binding-dialog") });
            await Assertions.Expect(dialog.Locator("#plan tr[data-address='0000:00:1b.0']")).ToContainTextAsync("snd_hda_intel");
            await Assertions.Expect(dialog.Locator("#plan tr[data-address='0000:00:1b.0']")).ToContainTextAsync("vfio-pci");
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "detach-dry-run.png") });

            await dialog.Locator("#binding-run").ClickAsync();

            // On a fixture root no kernel binds vfio-pci: the service reports it and undoes the change.
            await Assertions.Expect(dialog.Locator("#outcome")).ToHaveAttributeAsync("data-status", "RolledBack");
            await Assertions.Expect(dialog.Locator("#outcome")).ToContainTextAsync("took the device back instead of vfio-pci");
            await Assertions.Expect(dialog.Locator("#outcome")).ToContainTextAsync("Likely cause: the host root");
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "detach-outcome.png") });
            // The outcome links to its own entry in the history.
            await dialog.Locator("#outcome-history").ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"history\?id=\d+$"));
            var row = page.Locator("#history-grid tbody tr").First;
            await Assertions.Expect(row).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("chosen"));
            await Assertions.Expect(row).ToContainTextAsync("detach");
            await Assertions.Expect(row).ToContainTextAsync("failed, undone");
            await Assertions.Expect(row).ToContainTextAsync("snd_hda_intel → snd_hda_intel");
            await Assertions.Expect(row).ToContainTextAsync("127.0.0.1");
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "history.png"), FullPage = true });
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
