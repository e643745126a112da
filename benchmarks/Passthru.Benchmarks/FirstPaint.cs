using System.Globalization;
using Microsoft.Playwright;
using Passthru.TestSupport;

namespace Passthru.Benchmarks;

/// <summary>
/// How soon a person sees the groups page: the published dashboard on a captured tree, and Chromium
/// opening <c>/groups</c> in a fresh context (no cache, no cookies) again and again. It reports the
/// medians of the browser's own first-contentful-paint and of the moment the circuit is live.
/// </summary>
internal static class FirstPaint
{
    public static async Task<int> RunAsync(string app, string tree, int runs)
    {
        await using var dashboard = await PublishedDashboard.StartAsync(app, "--host-root", tree, "--Passthru:LibvirtUri", LibvirtTestHost.UnreachableUri);
        var address = new Uri(dashboard.BaseAddress, "groups");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DebianChromium.LaunchAsync(playwright);

        // The first visits warm the JIT and the browser; they are not what a person waits for twice.
        const int warmUp = 3;
        var paints = new List<double>();
        var live = new List<double>();
        for (var run = 0; run < warmUp + runs; run++)
        {
            await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
            var page = await context.NewPageAsync();
            await page.GotoAsync(address.ToString());
            await page.Locator("[data-interactive=true]").WaitForAsync();
            var paint = await page.EvaluateAsync<double>("() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1");
            var interactive = await page.EvaluateAsync<double>("() => performance.now()");
            if (run >= warmUp)
            {
                paints.Add(paint);
                live.Add(interactive);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"/groups on {Path.GetFileName(tree)}, {runs} fresh visits: first contentful paint median {Median(paints):0} ms, circuit live by {Median(live):0} ms"));
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
