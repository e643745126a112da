using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Passthru.TestSupport;
using Passthru.Web.Components.Pages;
using Passthru.Web.Configuration;
using Radzen.Blazor;

namespace Passthru.Web.Tests.Pages;

/// <summary>
/// A guest named with markup in libvirt's real test driver (the host of tests/fixtures/libvirt/host.xml
/// with one more guest, which holds the captured tree's 00:1b.0): its name is text on the Guests page
/// and in the dialog that gives it a device.
/// </summary>
public sealed class MarkupInGuestNameTests : PageTestContext, IAsyncLifetime
{
    private const string Name = "<img src=x onerror=alert(1)><b onmouseover=alert(2)>x";

    private readonly string _host = Scratch.NewPath("passthru-markup-guest") + ".xml";

    public MarkupInGuestNameTests()
    {
        var fixture = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "fixtures", "libvirt", "host.xml"));
        var guest = new System.Xml.Linq.XElement("domain", new System.Xml.Linq.XAttribute("type", "test"),
            new System.Xml.Linq.XElement("name", Name),
            new System.Xml.Linq.XElement("uuid", "11111111-0000-0000-0000-0000000000aa"),
            System.Xml.Linq.XElement.Parse("<memory unit='MiB'>512</memory>"),
            System.Xml.Linq.XElement.Parse("<os><type arch='x86_64'>hvm</type></os>"),
            System.Xml.Linq.XElement.Parse("<devices>" + Core.Libvirt.HostDeviceXml.Create(Core.Pci.PciAddress.Parse("0000:00:1b.0")) + "</devices>"));
        File.WriteAllText(_host, fixture.Replace("<node>", "<node>\n" + guest, StringComparison.Ordinal));
        Services.Configure<PassthruOptions>(options => options.LibvirtUri = "test://" + _host);
    }

    /// <summary>The Guests page follows the live state, which the app's background service produces: started here as the app starts it.</summary>
    public Task InitializeAsync() => Services.GetRequiredService<Passthru.Web.Model.LiveHost>().StartAsync(CancellationToken.None);

    Task IAsyncLifetime.DisposeAsync() => Services.GetRequiredService<Passthru.Web.Model.LiveHost>().StopAsync(CancellationToken.None);

    [Fact]
    public void GuestsPage_GuestNamedWithMarkup_IsShownAsText()
    {
        var page = Render<Guests>();
        page.WaitForState(() => page.Instance.Snapshot is { Availability.IsAvailable: true }, Timeout);

        var card = page.FindAll(".guest-card").Single(c => c.GetAttribute("data-guest") == Name);
        Assert.Equal(Name, card.QuerySelector("h2")!.TextContent.Trim());
        Assert.NotNull(card.QuerySelector("tr[data-address='0000:00:1b.0']"));
        MarkupInHostTextTests.AssertNoInjectedElements(page);
    }

    [Fact]
    public void GiveDeviceDialog_GuestNamedWithMarkup_HasItAsTextInTitleAndBody()
    {
        var dialogs = Render<RadzenDialog>();
        var page = Render<Guests>();
        page.WaitForState(() => page.Instance.Snapshot is { Availability.IsAvailable: true }, Timeout);

        page.FindAll(".guest-card").Single(c => c.GetAttribute("data-guest") == Name).QuerySelector("button.attach-device")!.Click();

        dialogs.WaitForState(() => dialogs.FindAll(".rz-dialog-title, .rz-dialog-titlebar").Count > 0, Timeout);
        Assert.Contains($"Give a device to {Name}", dialogs.Find(".rz-dialog-titlebar").TextContent, StringComparison.Ordinal);
        MarkupInHostTextTests.AssertNoInjectedElements(dialogs);
        MarkupInHostTextTests.AssertNoInjectedElements(page);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        File.Delete(_host);
    }
}
