using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Passthru.TestSupport;

namespace Passthru.Web.Tests.Security;

/// <summary>
/// The real app on real Kestrel (which decodes and normalises request paths itself, unlike the test
/// server), reading a copy of a captured tree that sits in a directory of its own beside a sentinel
/// file: whatever a request does, the sentinel's text must never come back. libvirt is the test driver.
/// </summary>
public sealed class KestrelDashboard : IAsyncLifetime
{
    public const string SentinelText = "PASSTHRU-SENTINEL-7f3c";

    private readonly string _parent = Directory.CreateDirectory(Scratch.NewPath("passthru-path-safety")).FullName;
    private WebApplication? _app;

    public string Tree => Path.Combine(_parent, "tree");

    /// <summary>The file beside the tree (its name is in the paths the tests try).</summary>
    public string Sentinel => Path.Combine(_parent, "sentinel");

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public string Database { get; } = Scratch.NewPath("passthru-path-safety") + ".db";

    public async Task InitializeAsync()
    {
        Directory.Move(CapturedTrees.Copy("intel-initial"), Tree);
        await File.WriteAllTextAsync(Sentinel, SentinelText);
        // A sentinel shaped like a device too, and a directory where a traversal from sys/bus/pci/devices would land.
        Directory.CreateDirectory(Path.Combine(_parent, "0000:00:1b.0"));
        await File.WriteAllTextAsync(Path.Combine(_parent, "0000:00:1b.0", "vendor"), SentinelText);
        _app = PassthruApp.Build(["--urls", "http://127.0.0.1:0", "--host-root", Tree, "--Passthru:PciIdsPath", TreeScan.SystemPciIds,
            "--Passthru:Database", Database, "--Passthru:LibvirtUri", LibvirtTestHost.Uri]);
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    /// <summary>A URL with the path and query exactly as written: no unescaping, no removal of dot segments by the client.</summary>
    public Uri Raw(string pathAndQuery)
        => new(BaseAddress.GetLeftPart(UriPartial.Authority) + pathAndQuery, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Scratch.DeleteDatabase(Database);
        Directory.Delete(_parent, recursive: true);
    }
}
