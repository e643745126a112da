using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Passthru.TestSupport;
using Passthru.Web;

namespace Passthru.Browser.Tests;

/// <summary>The real dashboard on real Kestrel at 127.0.0.1 on a free port, reading a captured tree.</summary>
public sealed class DashboardServer : IAsyncLifetime
{
    private WebApplication? _app;

    public string Tree { get; } = "intel-initial";

    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _app = PassthruApp.Build(
            ["--urls", "http://127.0.0.1:0", "--host-root", CapturedTrees.Path(Tree), "--Passthru:PciIdsPath", TreeScan.SystemPciIds],
            builder =>
            {
                // Static web assets (blazor.web.js, Radzen's scripts and themes) come from the build's manifest, as under `dotnet run`.
                builder.Environment.EnvironmentName = "Development";
                builder.WebHost.UseStaticWebAssets();
            });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
