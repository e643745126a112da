using Microsoft.Playwright;
using Passthru.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Passthru.Browser.Tests;

/// <summary>
/// The dashboard with a real libvirtd (qemu:///system) and a tiny TCG guest defined for the test;
/// the host is a captured tree (a FIXTURE ROOT), so the device given to the guest is the lab's sound
/// card, which does not exist on this machine: only the guest's persistent definition changes.
/// </summary>
public sealed class LibvirtDashboardServer : DashboardServer
{
    private LibvirtDaemon? _daemon;

    public TinyGuest Guest { get; private set; } = null!;

    protected override string LibvirtUri => LibvirtDaemon.Uri;

    public override async Task InitializeAsync()
    {
        if (LibvirtDaemon.CannotRunReason is not null)
        {
            return; // the tests are skipped with the reason
        }

        _daemon = new LibvirtDaemon();
        Guest = await TinyGuest.DefineAsync(LibvirtDaemon.Uri);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        if (_daemon is null)
        {
            return;
        }

        await base.DisposeAsync();
        await Guest.DisposeAsync();
        _daemon.Dispose();
    }
}

public sealed class GuestsBrowserTests(LibvirtDashboardServer server, BrowserFixture browser)
    : IClassFixture<LibvirtDashboardServer>, IClassFixture<BrowserFixture>
{
    [LibvirtdFact]
    public async Task GuestsPage_GiveSoundCardToStoppedGuest_IsInItsPersistentDefinition()
    {
        var page = await browser.Browser.NewPageAsync();
        try
        {
            await page.GotoAsync(new Uri(server.BaseAddress, "guests").ToString());
            await page.Locator("[data-interactive=true]").WaitForAsync();
            var card = page.Locator($".guest-card[data-guest='{server.Guest.Name}']");
            await Expect(card.Locator(".guest-state")).ToHaveTextAsync("shut off", new() { Timeout = 30_000 });

            await card.Locator(".attach-device").ClickAsync();
            var dialog = page.Locator(".mud-dialog", new() { Has = page.Locator("#guest-attach-dialog") });
            await dialog.Locator("#attach-search").FillAsync("1b.0");
            await dialog.Locator("#attach-devices tr[data-address='0000:00:1b.0'] input[type=checkbox]").ClickAsync();
            await Expect(dialog.Locator("#hostdev-xml")).ToContainTextAsync("<address domain='0x0000' bus='0x00' slot='0x1b' function='0x0'/>");
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "guest-attach-dialog.png"), FullPage = true });
            await dialog.Locator("#attach-run").ClickAsync();

            await Expect(dialog.Locator("#attach-outcome")).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = 30_000 });
            var xml = await server.Guest.InactiveXmlAsync();
            Assert.Contains("<address domain='0x0000' bus='0x00' slot='0x1b' function='0x0'/>", xml, StringComparison.Ordinal);
            Assert.Contains("managed='yes'", xml, StringComparison.Ordinal);

            await dialog.Locator("#attach-close").ClickAsync();
            await Expect(dialog).ToBeHiddenAsync();
            await Expect(card.Locator("tr[data-address='0000:00:1b.0']")).ToBeVisibleAsync(new() { Timeout = 10_000 });
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "guests-after-attach.png"), FullPage = true });
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [LibvirtdFact]
    public async Task GuestsPage_LiveAttachWithoutVfio_ShowsLibvirtsErrorAndChangesNothing()
    {
        // libvirt refuses a live hostdev here before it touches any device (this machine has no /dev/vfio),
        // and the address is the lab's sound card, which this machine does not have.
        Assert.All(["0000:01:00.0", "0000:01:00.1"], a => Assert.False(Directory.Exists($"/sys/bus/pci/devices/{a}"), $"{a} exists on this machine: pick addresses it does not have."));
        var page = await browser.Browser.NewPageAsync();
        try
        {
            await page.GotoAsync(new Uri(server.BaseAddress, "guests").ToString());
            await page.Locator("[data-interactive=true]").WaitForAsync();
            var card = page.Locator($".guest-card[data-guest='{server.Guest.Name}']");
            await card.Locator(".start").ClickAsync();
            await Expect(card.Locator(".guest-state")).ToHaveTextAsync("running", new() { Timeout = 30_000 });

            // The lab's 01:00.1 sound function shares group 10 with the e1000e at 01:00.0: the dialog offers the whole group.
            await card.Locator(".attach-device").ClickAsync();
            var dialog = page.Locator(".mud-dialog", new() { Has = page.Locator("#guest-attach-dialog") });
            await dialog.Locator("#attach-devices tr[data-address='0000:01:00.1'] input[type=checkbox]").ClickAsync();
            await Expect(dialog.Locator("#attach-refusals")).ToContainTextAsync("IOMMU group 10 is not whole");
            await dialog.Locator("#attach-whole-group").ClickAsync();
            await Expect(dialog.Locator("#hostdev-xml")).ToContainTextAsync("bus='0x01' slot='0x00' function='0x0'");
            await Expect(dialog.Locator("#attach-refusals")).ToHaveCountAsync(0);
            await Expect(dialog.Locator("input#attach-live")).ToBeCheckedAsync();
            await dialog.Locator("#attach-run").ClickAsync();

            var outcome = dialog.Locator("#attach-outcome");
            await Expect(outcome).ToHaveAttributeAsync("data-status", "RolledBack", new() { Timeout = 30_000 });
            await Expect(outcome).ToContainTextAsync("host doesn't support passthrough of host PCI devices");
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "guest-live-attach-refused.png"), FullPage = true });
            Assert.DoesNotContain("bus='0x01'", await server.Guest.InactiveXmlAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await page.CloseAsync();
            await server.Guest.StopAsync();
        }
    }
}
