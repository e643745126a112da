using Bunit;
using Passthru.Web.Components.Pages;

namespace Passthru.Web.Tests.Pages;

/// <summary>
/// The Interrupts page on the captured tree with libvirt's test driver, whose vm-running lists the tree's 04:00.6 in its
/// live definition while the tree's kernel has it on snd_hda_intel (no vfio rows): the row is the host's, not the guest's.
/// </summary>
public sealed class InterruptsPageTests : LibvirtPageTestContext
{
    [Fact]
    public void Rows_HostDriversRowOfADeviceAGuestLists_IsNotTaggedWithTheGuest()
    {
        var page = Render<Interrupts>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#interrupt-table tr.irq-row")), Timeout);
        var card = page.FindAll("#interrupt-table tr.irq-row").Single(r => r.TextContent.Contains("snd_hda_intel:card3", StringComparison.Ordinal));
        Assert.Contains("0000:04:00.6", card.TextContent, StringComparison.Ordinal);
        Assert.Null(card.QuerySelector(".row-guest"));
    }

    [Fact]
    public void VfioOnly_WithNoGuestUsingADevice_SaysSoAndWhy()
    {
        var page = Render<Interrupts>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#interrupt-table tr.irq-row")), Timeout);

        page.FindAll("#row-filter .mud-toggle-item").Single(b => b.TextContent.Trim() == "vfio only").Click();

        page.WaitForAssertion(() => Assert.Contains("No guest is using a passed-through device yet", page.Find("#no-vfio-rows").TextContent, StringComparison.Ordinal), Timeout);
        Assert.Contains("No guest uses a passed-through device now", page.Find("#rate-chart").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Chart_WithAllRows_ChartsTheThreeBusiestAndSaysSo()
    {
        var page = Render<Interrupts>();

        page.WaitForAssertion(() => Assert.Equal("3", page.Find("#rate-chart").GetAttribute("data-series")), Timeout);
        Assert.Contains("three devices with the most interrupts", page.Find("#chart-caption").TextContent, StringComparison.Ordinal);
        // The legend names each line by its device, not by a bare address.
        Assert.Contains("0000:04:00.6 82801I (ICH9 Family) HD Audio Controller", page.FindComponent<MudBlazor.MudChart<double>>().Instance.ChartSeries.Select(s => s.Name));
    }
}
