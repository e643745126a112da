using System.Globalization;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Passthru.Browser.Tests;

/// <summary>
/// The live pages in Chromium, on a tree the test changes under the running app (a FIXTURE ROOT):
/// what the kernel would do to /proc/interrupts and to a driver link, the test does to files.
/// </summary>
public sealed class LiveBrowserTests(DashboardServer server, BrowserFixture browser)
    : IClassFixture<DashboardServer>, IClassFixture<BrowserFixture>
{
    private const string SoundHandler = "snd_hda_intel:card0";

    /// <summary>Two sample periods: one for the read that sees the change, one for it to reach the page.</summary>
    private static readonly float TwoSamplePeriods = 2 * DashboardServer.SampleMs;

    /// <summary>Rewrites the sound card's row with new counts (as the kernel would after it interrupted); returns its IRQ label.</summary>
    private string WriteSoundCounts(ulong cpu0, ulong cpu1)
    {
        var path = server.TreePath("proc/interrupts");
        string? label = null;
        var lines = File.ReadAllLines(path).Select(l =>
        {
            if (!l.EndsWith(SoundHandler, StringComparison.Ordinal))
            {
                return l;
            }

            label = l[..l.IndexOf(':', StringComparison.Ordinal)].Trim();
            return string.Create(CultureInfo.InvariantCulture, $"{label,3}: {cpu0,10} {cpu1,10}  IR-PCI-MSI 442368-edge      {SoundHandler}");
        }).ToArray();
        File.WriteAllLines(path + ".new", lines);
        File.Move(path + ".new", path, overwrite: true);
        return label ?? throw new InvalidOperationException($"No {SoundHandler} row in the tree's proc/interrupts.");
    }

    [Fact]
    public async Task InterruptsPage_CountRewritten_ShowsNewCountAndRateWithinTwoSamples()
    {
        var label = WriteSoundCounts(500, 20);
        var page = await browser.Browser.NewPageAsync();
        try
        {
            await page.GotoAsync(new Uri(server.BaseAddress, "interrupts").ToString());
            await page.Locator("[data-interactive=true]").WaitForAsync();
            var row = page.Locator($"#interrupt-table tr.irq-{label}");
            await Expect(row.Locator("td.total")).ToHaveTextAsync("520", new() { Timeout = 10_000 });
            await Expect(row).ToContainTextAsync("0000:00:1b.0");

            WriteSoundCounts(5500, 20);

            await Expect(row.Locator("td.total")).ToHaveTextAsync("5520", new() { Timeout = TwoSamplePeriods });
            await Expect(row.Locator("td.rate")).Not.ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(–|0)$"), new() { Timeout = TwoSamplePeriods });
            await Expect(row.Locator("td.changed").First).ToBeVisibleAsync();

            // A few more seconds of a busy card, for the chart in the screenshot.
            for (var second = 1; second <= 4; second++)
            {
                WriteSoundCounts(5500 + ((ulong)second * 3000), 20);
                await Task.Delay(DashboardServer.SampleMs);
            }

            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "interrupts-live.png"), FullPage = true });
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task GroupsPage_DriverChangedByHand_BadgeFollowsWithoutReload()
    {
        var page = await browser.Browser.NewPageAsync();
        var link = server.TreePath("sys/bus/pci/devices/0000:00:1b.0/driver");
        try
        {
            await page.GotoAsync(new Uri(server.BaseAddress, "groups?q=00:1b.0").ToString());
            await page.Locator("[data-interactive=true]").WaitForAsync();
            var deviceRow = page.Locator(".group-card tr", new() { HasText = "0000:00:1b.0" });
            await Expect(deviceRow).ToContainTextAsync("snd_hda_intel");

            // What a bind to vfio-pci from a shell leaves in sysfs: the device's driver link.
            File.Delete(link);
            File.CreateSymbolicLink(link, "../../../bus/pci/drivers/vfio-pci");

            await Expect(deviceRow).ToContainTextAsync("vfio-pci", new() { Timeout = 10_000 });
            await Expect(deviceRow).Not.ToContainTextAsync("snd_hda_intel");
        }
        finally
        {
            File.Delete(link);
            File.CreateSymbolicLink(link, "../../../bus/pci/drivers/snd_hda_intel");
            await page.CloseAsync();
        }
    }
}
