using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;
using Passthru.TestSupport;

namespace Passthru.Benchmarks;

/// <summary>
/// The dashboard's CPU use as a separate process, read from its /proc/PID/stat: idle (nobody
/// watching: a sample a minute for the history), then with N Chromium pages on the Interrupts page (N circuits
/// subscribed at the default 1 Hz). The app reads this machine's real /proc and /sys, read-only:
/// nothing is bound or unbound.
/// </summary>
internal static class LiveLoad
{
    public static async Task<int> RunAsync(string app, int circuits, TimeSpan window, string page = "interrupts")
    {
        await using var dashboard = await PublishedDashboard.StartAsync(app);
        var server = dashboard.Process;
        var baseAddress = dashboard.BaseAddress;
        await Task.Delay(TimeSpan.FromSeconds(60)); // start-up work (first scan, tiered JIT, the first page) is not idle time

        var idle = await CpuShareAsync(server.Id, window);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"idle, nobody watching:               {idle:P2} of one core over {window.TotalSeconds:0} s"));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DebianChromium.LaunchAsync(playwright);
        var pages = new List<IPage>();
        for (var i = 0; i < circuits; i++)
        {
            // A context per page: each is its own window, so none is a throttled background tab.
            var tab = await (await browser.NewContextAsync()).NewPageAsync();
            await tab.GotoAsync(new Uri(baseAddress, page).ToString());
            await tab.Locator("[data-interactive=true]").WaitForAsync();
            pages.Add(tab);
        }

        await Task.Delay(TimeSpan.FromSeconds(5));
        // The interrupts page says when it last read; the others are only open.
        var live = page.StartsWith("interrupts", StringComparison.Ordinal);
        var before = live ? await Task.WhenAll(pages.Select(p => p.Locator("#sampled-at").InnerTextAsync())) : [];
        var watched = await CpuShareAsync(server.Id, window);
        var after = live ? await Task.WhenAll(pages.Select(p => p.Locator("#sampled-at").InnerTextAsync())) : [];
        await pages[0].ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "passthru-liveload.png"), FullPage = true });
        if (live)
        {
            var updated = before.Zip(after).Count(pair => pair.First != pair.Second);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pages whose sample time moved during the window: {updated} of {circuits}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{circuits} circuits on /{page} at 1 Hz: {watched:P2} of one core over {window.TotalSeconds:0} s"));
        return 0;
    }

    /// <summary>User plus system CPU time of a process over a window, as a share of one core.</summary>
    private static async Task<double> CpuShareAsync(int pid, TimeSpan window)
    {
        var before = CpuTicks(pid);
        var clock = Stopwatch.StartNew();
        await Task.Delay(window);
        var after = CpuTicks(pid);
        const double ticksPerSecond = 100; // USER_HZ on Linux
        return (after - before) / ticksPerSecond / clock.Elapsed.TotalSeconds;
    }

    private static long CpuTicks(int pid)
    {
        // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
