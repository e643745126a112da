using Bunit;
using MudBlazor;
using Passthru.Web.Components.Pages;

namespace Passthru.Web.Tests.Pages;

/// <summary>The device page with libvirt's test driver: a stopped guest "l2" holds the whole of group 12 (04:00.0, .1 and .6), managed.</summary>
public sealed class DeviceWithGuestsPageTests() : LibvirtPageTestContext(("l2", true, ["0000:04:00.0", "0000:04:00.1", "0000:04:00.6"]))
{
    [Fact]
    public void Render_WholeGroupInAStoppedGuest_SaysReadyForItInsteadOfBlocked()
    {
        var page = Render<DevicePage>(p => p.Add(d => d.Address, "0000:04:00.0"));

        page.WaitForAssertion(() => Assert.Equal("l2", page.Find(".verdict-badge").GetAttribute("data-ready-for")), Timeout);
        Assert.Equal("BlockedByGroup", page.Find(".verdict-badge").GetAttribute("data-verdict"));
        Assert.Contains("ready for l2", page.Find(".verdict-badge").TextContent, StringComparison.Ordinal);
        Assert.Contains("libvirt switches the drivers to vfio-pci when it starts", page.Find("#verdict-summary").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("#ways-out"));
    }

    [Fact]
    public void Render_GuestChip_IsLabelledAndLinksToThatGuest()
    {
        var page = Render<DevicePage>(p => p.Add(d => d.Address, "0000:04:00.0"));

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#device-guests .guest-badge[data-guest='l2']")), Timeout);
        var chip = page.Find("#device-guests .guest-badge[data-guest='l2']");
        Assert.Equal("guests?guest=l2", chip.GetAttribute("href"));
        Assert.Contains("guest: l2", chip.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_DeviceARunningGuestHasLive_SaysWhichGuestUsesIt()
    {
        var page = Render<DevicePage>(p => p.Add(d => d.Address, "0000:04:00.6"));

        page.WaitForAssertion(() => Assert.Equal("vm-running", page.Find("#passthrough .verdict-badge").GetAttribute("data-used-by")), Timeout);
        Assert.Contains("in use by vm-running", page.Find("#passthrough .verdict-badge").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HistoryButton_LinksToThisDevicesHistory()
    {
        var page = Render<DevicePage>(p => p.Add(d => d.Address, "0000:04:00.6"));
        page.WaitForState(() => page.Instance.Assessment is not null, Timeout);

        Assert.Equal("history?device=0000:04:00.6", page.Find("#device-history").GetAttribute("href"));
    }

    [Fact]
    public void PassTheWholeGroup_IsAButtonThatOpensTheGiveDialogWithTheGroupChosen()
    {
        var popovers = Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        var page = Render<DevicePage>(p => p.Add(d => d.Address, "0000:01:00.1"));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#ways-out li[data-kind='PassWholeGroup'] #give-group button")), Timeout);

        page.Find("#ways-out li[data-kind='PassWholeGroup'] #give-group button").Click();
        popovers.WaitForAssertion(() => Assert.NotEmpty(popovers.FindAll(".guest-choice[data-guest='l2']")), Timeout);
        popovers.Find(".guest-choice[data-guest='l2']").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("Chosen: 0000:01:00.0, 0000:01:00.1", dialogs.Find("#attach-selection").TextContent, StringComparison.Ordinal), Timeout);
        Assert.Contains("Give a device to l2", dialogs.Find(".mud-dialog-title").TextContent, StringComparison.Ordinal);
    }
}
