using Microsoft.Playwright;

namespace Passthru.Browser.Tests;

/// <summary>Debian's Chromium through Playwright; never a downloaded browser (none can be fetched here).</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ArtifactsDirectory { get; } = Path.Combine(TestSupport.RepositoryPaths.Root, "test-results", "browser");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium (the test command does).");
        }

        Directory.CreateDirectory(ArtifactsDirectory);
        // Test classes run in parallel on a 2-core machine (several apps, Chromium, a libvirtd): waits get room.
        // Deadlines that are the behaviour under test (the live page's two sample periods) stay explicit.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>
    /// A page in a context of its own (no cookies or cache shared with other tests), at the size the screenshots
    /// use, with the dashboard's theme cookie set to <paramref name="theme"/>. Close its context when done.
    /// </summary>
    public async Task<IPage> NewThemedPageAsync(Uri dashboard, string theme)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        await context.AddCookiesAsync([new() { Name = "PassthruTheme", Value = theme, Url = dashboard.ToString() }]);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
