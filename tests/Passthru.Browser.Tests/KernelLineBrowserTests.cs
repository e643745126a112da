using Microsoft.Playwright;
using Passthru.TestSupport;

namespace Passthru.Browser.Tests;

/// <summary>
/// The captured host booted with an ACS override, and a scratch Debian-like boot configuration (update-grub is an
/// empty file: this test never applies) whose line differs from the running one.
/// </summary>
public sealed class KernelLineDashboardServer : DashboardServer
{
    public string ConfigRoot { get; } = Scratch.NewPath("passthru-browser-boot");

    protected override IEnumerable<string> ExtraArguments => ["--Passthru:Boot:ConfigRoot", ConfigRoot];

    public override Task InitializeAsync()
    {
        File.WriteAllText(TreePath("proc/cmdline"), "console=ttyS0 panic=-1 iommu=pt intel_iommu=on pcie_acs_override=downstream\n");
        Directory.CreateDirectory(Path.Combine(ConfigRoot, "etc/default"));
        Directory.CreateDirectory(Path.Combine(ConfigRoot, "usr/sbin"));
        File.WriteAllText(Path.Combine(ConfigRoot, "etc/default/grub"),
            "GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on iommu=pt pcie_acs_override=downstream\"\nGRUB_CMDLINE_LINUX=\"console=ttyS0\"\n");
        File.WriteAllText(Path.Combine(ConfigRoot, "usr/sbin/update-grub"), "");
        return base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(ConfigRoot, recursive: true);
    }
}

public sealed class KernelLineBrowserTests(KernelLineDashboardServer server, BrowserFixture browser)
    : IClassFixture<KernelLineDashboardServer>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task HostPage_RebootPendingAndApplyDialog_InLightAndDark()
    {
        var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        try
        {
            await page.GotoAsync(server.BaseAddress.ToString());
            await Assertions.Expect(page.Locator("#reboot-adds")).ToHaveTextAsync("quiet");
            await page.Locator("[data-interactive=true]").WaitForAsync();
            await page.EvaluateAsync("() => document.fonts.ready");
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "host-reboot-pending-light.png"), FullPage = true });

            await page.Locator("#apply-acs-override").ClickAsync();
            await Assertions.Expect(page.Locator(".kernel-line-diff")).ToContainTextAsync("-GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on iommu=pt pcie_acs_override=downstream\"");
            await Assertions.Expect(page.Locator(".kernel-line-command")).ToHaveTextAsync($"chroot {server.ConfigRoot} /usr/sbin/update-grub");
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "host-apply-dialog-light.png"), Animations = ScreenshotAnimations.Disabled });
            await page.Locator("#kernel-line-close").ClickAsync();
            await Assertions.Expect(page.Locator("#kernel-line-dialog")).ToHaveCountAsync(0);

            await page.Locator("#theme-menu button").ClickAsync();
            await page.Locator("#theme-dark").ClickAsync();
            await Assertions.Expect(page.Locator(".passthru-layout")).ToHaveAttributeAsync("data-theme", "dark");
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "host-reboot-pending-dark.png"), FullPage = true });
            await page.Locator("#apply-acs-override").ClickAsync();
            await Assertions.Expect(page.Locator(".kernel-line-diff")).ToBeVisibleAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "host-apply-dialog-dark.png"), Animations = ScreenshotAnimations.Disabled });
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
