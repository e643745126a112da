using Microsoft.Playwright;

namespace Passthru.Browser.Tests;

public sealed class GroupsPageBrowserTests(DashboardServer server, BrowserFixture browser)
    : IClassFixture<DashboardServer>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task GroupsPage_FilterAudio_ShowsTheSharedGroupExplained()
    {
        var page = await browser.Browser.NewPageAsync();
        try
        {
            var allGroups = await OpenGroupsAsync(page);
            await page.Locator("#filter-text").PressSequentiallyAsync("Audio");
            await Expect(page.Locator(".group-card")).Not.ToHaveCountAsync(allGroups);

            var shared = page.Locator(".group-card[data-viable='false']", new() { HasText = "0000:04:00.6" });
            await Expect(shared).ToHaveCountAsync(1);
            await Expect(shared.Locator(".shared-because")).ToContainTextAsync("multifunction device");
            await Expect(shared.Locator(".blockers")).ToContainTextAsync("0000:04:00.0 (bochs-drm)");
            await Expect(shared.Locator(".blockers")).ToContainTextAsync("0000:04:00.1 (xhci_hcd)");
            await Expect(shared.Locator("tr.match")).ToHaveCountAsync(1);
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "groups-filter-audio.png"), FullPage = true });

            // Every shown group has a sound card in it; none was shown for another reason.
            foreach (var card in await page.Locator(".group-card").AllAsync())
            {
                await Expect(card).ToContainTextAsync("Audio device");
            }
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task GroupsPage_ClassFilter_ShowsOnlyGroupsWithThatClass()
    {
        var page = await browser.Browser.NewPageAsync();
        try
        {
            var allGroups = await OpenGroupsAsync(page);

            await page.Locator("#filter-class").ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "USB controller" }).ClickAsync();

            await Expect(page.Locator(".group-card")).ToHaveCountAsync(1);
            await Expect(page.Locator(".group-card tr.match")).ToHaveCountAsync(1);
            await Expect(page.Locator(".group-card tr.match")).ToContainTextAsync("0000:04:00.1");
            await Expect(page.Locator("#group-count")).ToContainTextAsync($"1 of {allGroups} groups");
            // The choice is in the address: a reload (or a shared link) shows the same view.
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("class=USB%20controller$"));
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task DevicePage_OpenedFromGroup_ExplainsWaysOut()
    {
        var page = await browser.Browser.NewPageAsync();
        try
        {
            await page.GotoAsync(new Uri(server.BaseAddress, "groups?q=04:00.6").ToString());
            await page.Locator("a.device-link", new() { HasText = "0000:04:00.6" }).ClickAsync();

            await Expect(page.Locator("#verdict-summary")).ToContainTextAsync("cannot be passed alone");
            await Expect(page.Locator("#ways-out li[data-kind='PassWholeGroup']")).ToContainTextAsync("0000:04:00.0, 0000:04:00.1");
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "device-04-00-6.png"), FullPage = true });
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task LinkClickedWhileTheCircuitStarts_ShowsTheDevicePage()
    {
        var page = await browser.Browser.NewPageAsync();
        var devicePageMayLoad = new TaskCompletionSource();
        try
        {
            // A quick user clicks on the prerendered page, and the device page arrives after the circuit has started.
            // A raw mouse click: a locator's click would wait for the navigation this test holds back.
            await page.RouteAsync("**/devices/**", async route =>
            {
                await devicePageMayLoad.Task;
                await route.ContinueAsync();
            });
            await page.GotoAsync(new Uri(server.BaseAddress, "groups?q=04:00.6").ToString());
            var link = await page.Locator("a.device-link", new() { HasText = "0000:04:00.6" }).BoundingBoxAsync();
            await page.Mouse.ClickAsync(link!.X + link.Width / 2, link.Y + link.Height / 2);
            // Time for the circuit to render the page it started on.
            await Task.Delay(TimeSpan.FromSeconds(2));
            devicePageMayLoad.SetResult();

            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("devices/0000:04:00.6$"));
            await page.Locator("[data-interactive=true]").WaitForAsync();
            await Expect(page.Locator("#ways-out li[data-kind='PassWholeGroup']")).ToContainTextAsync("0000:04:00.0, 0000:04:00.1");
            await Expect(page.Locator("h1")).Not.ToContainTextAsync("IOMMU groups");
        }
        finally
        {
            devicePageMayLoad.TrySetResult();
            await page.CloseAsync();
        }
    }

    /// <summary>
    /// Opens the groups page and returns how many groups it shows. Typing needs the interactive circuit, and the
    /// interactive page scans afresh: wait until the layout says it is live and the cards are drawn again.
    /// </summary>
    private async Task<int> OpenGroupsAsync(IPage page)
    {
        await page.GotoAsync(new Uri(server.BaseAddress, "groups").ToString());
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await page.Locator(".group-card").First.WaitForAsync();
        return await page.Locator(".group-card").CountAsync();
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
