using Bunit;
using Passthru.Web.Components.Pages;

namespace Passthru.Web.Tests.Pages;

public class DevicePageTests : PageTestContext
{
    [Fact]
    public void Render_BlockedSoundCard_NamesBlockersAndWaysOut()
    {
        var page = Render<DevicePage>(p => p.Add(d => d.Address, "0000:04:00.6"));
        page.WaitForState(() => page.Instance.Assessment is not null, Timeout);

        Assert.Contains("cannot be passed alone", page.Find("#verdict-summary").TextContent, StringComparison.Ordinal);
        Assert.Contains("0000:04:00.0", page.Find("#verdict-summary").TextContent, StringComparison.Ordinal);
        var ways = page.FindAll("#ways-out li").Select(li => li.GetAttribute("data-kind")).ToArray();
        Assert.Equal("PassWholeGroup", ways[0]);
        Assert.Contains("AcsOverride", ways);
        Assert.Contains("peer-to-peer DMA", page.Find("#ways-out").TextContent, StringComparison.Ordinal);
        Assert.Contains("sound/card", page.Find("#host-uses").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SoloSoundCard_CanPassAloneAndWarnsNoReset()
    {
        var page = Render<DevicePage>(p => p.Add(d => d.Address, "00:1b.0"));
        page.WaitForState(() => page.Instance.Assessment is not null, Timeout);

        Assert.Equal("CanPassAlone", page.Find(".verdict-badge").GetAttribute("data-verdict"));
        Assert.Contains("no reset method", page.Find("#cautions").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_MalformedAddress_ShowsClearError()
    {
        var page = Render<DevicePage>(p => p.Add(d => d.Address, "../../etc"));
        page.WaitForState(() => page.Instance.Error is not null, Timeout);
        Assert.Contains("is not a PCI address", page.Find("#device-error").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_UnknownAddress_SaysNoSuchDevice()
    {
        var page = Render<DevicePage>(p => p.Add(d => d.Address, "0000:7f:00.0"));
        page.WaitForState(() => page.Instance.Error is not null, Timeout);
        Assert.Contains("no PCI device 0000:7f:00.0", page.Find("#device-error").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_DamagedHistoryDatabase_SaysSoAndStillShowsTheDevice()
    {
        File.WriteAllText(DatabasePath, new string('x', 8192));

        var page = Render<DevicePage>(p => p.Add(d => d.Address, "0000:00:1b.0"));
        page.WaitForState(() => page.Instance.Assessment is not null, Timeout);

        page.WaitForAssertion(() => Assert.Contains("damaged", page.Find("#history-problem").TextContent, StringComparison.Ordinal), Timeout);
        Assert.Contains("refused until the history can be written", page.Find("#history-problem").TextContent, StringComparison.Ordinal);
        Assert.Equal("CanPassAlone", page.Find(".verdict-badge").GetAttribute("data-verdict"));
    }
}
