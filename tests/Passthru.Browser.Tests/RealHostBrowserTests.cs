using static Microsoft.Playwright.Assertions;

namespace Passthru.Browser.Tests;

/// <summary>
/// The dashboard on this machine's real /sys and /proc, read only: the tests open pages and never press a
/// button that changes the host. (This machine is a virtual one; its disk and network are PCI functions.)
/// </summary>
public sealed class RealHostDashboardServer : DashboardServer
{
    protected override string? HostRoot => "/";
}

public sealed class RealHostBrowserTests(RealHostDashboardServer server, BrowserFixture browser)
    : IClassFixture<RealHostDashboardServer>, IClassFixture<BrowserFixture>
{
    private static readonly string Screenshots = Path.Combine(BrowserFixture.ArtifactsDirectory, "pages");

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task GroupsPage_OnThisMachine_ShowsItsGroupsOrEveryDeviceWithTheReason(string theme)
    {
        Directory.CreateDirectory(Screenshots);
        var page = await browser.NewThemedPageAsync(server.BaseAddress, theme);
        var problems = PageProblems.Watch(page);
        try
        {
            await page.GotoAsync(new Uri(server.BaseAddress, "groups").ToString());
            await page.Locator("[data-interactive=true]").WaitForAsync();

            var groups = Directory.GetDirectories("/sys/kernel/iommu_groups").Length;
            if (groups == 0)
            {
                // No IOMMU (as on the project's virtual machines): every device is still listed, none passable.
                await Expect(page.Locator("#no-groups")).ToContainTextAsync("No IOMMU groups");
                await Expect(page.Locator("#group-none tr[data-address]")).ToHaveCountAsync(Directory.GetFileSystemEntries("/sys/bus/pci/devices").Length);
                await Expect(page.Locator("#group-none .verdict-badge[data-verdict='Ready'], #group-none .verdict-badge[data-verdict='CanPassAlone']")).ToHaveCountAsync(0);
                await Expect(page.Locator(".group-detach")).ToHaveCountAsync(0);
            }
            else
            {
                await Expect(page.Locator(".group-card")).ToHaveCountAsync(groups);
            }

            await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, $"this-machine-groups-{theme}.png"), FullPage = true });
            problems.AssertNone($"this machine's groups, {theme}");
            await Axe.AssertContrastAsync(page, $"this machine's groups, {theme}");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
