using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Passthru.Core.Auth;
using Microsoft.AspNetCore.Mvc.Testing;
using Passthru.TestSupport;

namespace Passthru.Web.Tests.Api;

/// <summary>The whole app in a test server, reading a captured real-kernel tree.</summary>
public class CapturedHostFactory : WebApplicationFactory<Program>
{
    public const string Tree = "intel-initial";

    public string DatabasePath { get; } = Scratch.NewPath("passthru-api") + ".db";

    /// <summary>libvirt's test driver with running, paused and shut-off guests (vm-running has 0000:04:00.6); a subclass may point elsewhere.</summary>
    protected virtual string LibvirtUri => LibvirtTestHost.Uri;

    /// <summary>The tree the app reads; a subclass may give it a writable copy.</summary>
    protected virtual string TreeRoot => CapturedTrees.Path(Tree);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Passthru:HostRoot", TreeRoot);
        builder.UseSetting("Passthru:PciIdsPath", TestHost.PciIds);
        builder.UseSetting("Passthru:Database", DatabasePath);
        builder.UseSetting("Passthru:LibvirtUri", LibvirtUri);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<ILocalPeerIdentifier, SyntheticTestServerPeer>();
            services.AddSingleton<IStartupFilter, SyntheticTestServerPeer>();
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Scratch.DeleteDatabase(DatabasePath);
    }
}
