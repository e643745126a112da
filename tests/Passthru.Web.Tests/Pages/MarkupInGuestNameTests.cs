using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Passthru.Web.Components.Pages;

namespace Passthru.Web.Tests.Pages;

/// <summary>
/// A guest named with markup in libvirt's real test driver (the host of tests/fixtures/libvirt/host.xml
/// with one more guest, which holds the captured tree's 00:1b.0): its name is text on the Guests page
/// and in the dialog that gives it a device.
/// </summary>
public sealed class MarkupInGuestNameTests() : LibvirtPageTestContext((Name, true, ["0000:00:1b.0"]))
{
    private const string Name = "<img src=x onerror=alert(1)><b onmouseover=alert(2)>x";

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
        var dialogs = Render<MudDialogProvider>();
        var page = Render<Guests>();
        page.WaitForState(() => page.Instance.Snapshot is { Availability.IsAvailable: true }, Timeout);

        page.FindAll(".guest-card").Single(c => c.GetAttribute("data-guest") == Name).QuerySelector("button.attach-device")!.Click();

        dialogs.WaitForState(() => dialogs.FindAll(".mud-dialog-title").Count > 0, Timeout);
        Assert.Contains($"Give a device to {Name}", dialogs.Find(".mud-dialog-title").TextContent, StringComparison.Ordinal);
        MarkupInHostTextTests.AssertNoInjectedElements(dialogs);
        MarkupInHostTextTests.AssertNoInjectedElements(page);
    }
}
