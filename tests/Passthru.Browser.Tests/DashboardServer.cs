using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Passthru.TestSupport;
using Passthru.Web;

namespace Passthru.Browser.Tests;

/// <summary>
/// The real dashboard on real Kestrel at 127.0.0.1 on a free port, reading its own writable copy of
/// a captured tree (a FIXTURE ROOT: binding writes land in files, and no kernel acts on them) with a
/// scratch history database.
/// </summary>
public class DashboardServer : IAsyncLifetime
{
    /// <summary>The app's default interrupt sample period; the live tests' deadlines are counted in it.</summary>
    public const int SampleMs = 1000;

    /// <summary>How often the app rescans devices here: a captured tree sends no uevents.</summary>
    public const int DevicePollMs = 500;

    private WebApplication? _app;

    /// <summary>The host root the app reads: its own copy of the captured tree, unless a subclass names another.</summary>
    public string Tree => _tree ??= HostRoot ?? CapturedTrees.Copy("intel-initial");

    private string? _tree;

    /// <summary>Another host root than a copy of the captured tree (this machine's real one, read only), or null.</summary>
    protected virtual string? HostRoot => null;

    public string Database { get; } = Scratch.NewPath("passthru-browser") + ".db";

    public Uri BaseAddress { get; private set; } = null!;

    public string TreePath(string relative) => Path.Combine(Tree, relative);

    /// <summary>Where the app finds libvirt: by default a socket nobody listens on (libvirtd not running), as on many hosts.</summary>
    protected virtual string LibvirtUri => LibvirtTestHost.UnreachableUri;

    /// <summary>More settings for a subclass's app (logins on, say).</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];

    public virtual async Task InitializeAsync()
    {
        _app = PassthruApp.Build(
            ["--urls", "http://127.0.0.1:0", "--host-root", Tree, "--Passthru:PciIdsPath", TreeScan.SystemPciIds, "--Passthru:Database", Database,
             "--Passthru:InterruptSampleMs", $"{SampleMs}", "--Passthru:DevicePollMs", $"{DevicePollMs}",
             "--Passthru:LibvirtUri", LibvirtUri, .. ExtraArguments],
            builder =>
            {
                // Static web assets (blazor.web.js, MudBlazor's script and styles) come from the build's manifest, as under `dotnet run`.
                builder.Environment.EnvironmentName = "Development";
                builder.WebHost.UseStaticWebAssets();
            });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address);
    }

    public virtual async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (HostRoot is null && _tree is not null)
        {
            Directory.Delete(_tree, recursive: true);
        }
        Scratch.DeleteDatabase(Database);
    }
}
