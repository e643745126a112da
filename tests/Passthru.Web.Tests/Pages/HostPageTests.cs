using Bunit;
using Passthru.Web.Components.Pages;

namespace Passthru.Web.Tests.Pages;

public class HostPageTests : PageTestContext
{
    [Fact]
    public void Render_CapturedHost_ShowsChecksWithStatusAndCommandLine()
    {
        var page = Render<HostPage>();
        page.WaitForState(() => page.Instance.Host is not null, Timeout);

        Assert.Equal("Pass", page.Find("#check-iommu-enabled").GetAttribute("data-status"));
        Assert.Contains("dmar0", page.Find("#check-iommu-enabled").TextContent, StringComparison.Ordinal);
        Assert.Contains("intel_iommu=on", page.Find("#cmdline").TextContent, StringComparison.Ordinal);
        // The scan's checks and the claims at boot's.
        Assert.Equal(page.Instance.Host!.Checks.Count + 1, page.FindAll("#checks tbody tr").Count);
        Assert.Equal("Pass", page.Find("#check-boot-claims").GetAttribute("data-status"));
    }
}
