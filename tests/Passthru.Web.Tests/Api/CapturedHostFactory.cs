using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Passthru.TestSupport;

namespace Passthru.Web.Tests.Api;

/// <summary>The whole app in a test server, reading a captured real-kernel tree.</summary>
public sealed class CapturedHostFactory : WebApplicationFactory<Program>
{
    public const string Tree = "intel-initial";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Passthru:HostRoot", CapturedTrees.Path(Tree));
        builder.UseSetting("Passthru:PciIdsPath", TestHost.PciIds);
    }
}
