using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Passthru.Core.Auth;
using Passthru.Core.History;
using Passthru.TestSupport;

namespace Passthru.Web.Tests.Security;

/// <summary>
/// The real app on real Kestrel (127.0.0.1:0 unless told) with logins on and the given <c>Passthru:TrustedProxies</c>, reading a
/// copy of the captured intel-initial tree. The tests are the proxy: their requests come from 127.0.0.1 and carry
/// the forwarded headers a proxy would add.
/// </summary>
public sealed class ProxiedDashboard : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _database;

    private ProxiedDashboard(WebApplication app, string tree, string database)
    {
        _app = app;
        Tree = tree;
        _database = database;
        BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    public Uri BaseAddress { get; }

    public string Tree { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="prepareTree">Changes to the tree copy before the app reads it (a network layout, say).</param>
    /// <param name="services">Services the app takes instead of its own (a clock held still, a SYNTHETIC /proc for SSH tunnels).</param>
    /// <param name="url">Where it listens: loopback, or an address of this machine (then over plain HTTP, as behind a proxy on another machine).</param>
    public static async Task<ProxiedDashboard> StartAsync(string[] trustedProxies, Action<string>? prepareTree = null, Action<IServiceCollection>? services = null,
        string url = "http://127.0.0.1:0")
    {
        var tree = CapturedTrees.Copy("intel-initial");
        prepareTree?.Invoke(tree);
        var database = Scratch.NewPath("passthru-proxied") + ".db";
        var args = new List<string>
        {
            "--urls", url, "--host-root", tree, "--Passthru:Auth:AllowPlainHttp", "true", "--Passthru:PciIdsPath", TreeScan.SystemPciIds,
            "--Passthru:Database", database, "--Passthru:LibvirtUri", LibvirtTestHost.Uri,
            "--Passthru:Auth:Enabled", "true",
            "--Passthru:Auth:PamService", PamTestAccounts.MissingReason is null ? PamTestAccounts.Service : "passthru",
        };
        if (!Web.Configuration.ListenAddressPolicy.IsLoopback(url))
        {
            // The name browsers use for the host, as the README says to set it.
            args.AddRange(["--AllowedHosts", new Uri(url).Host]);
        }

        for (var i = 0; i < trustedProxies.Length; i++)
        {
            args.AddRange([$"--Passthru:TrustedProxies:{i}", trustedProxies[i]]);
        }

        var app = PassthruApp.Build([.. args], builder => services?.Invoke(builder.Services));
        await app.StartAsync();
        return new ProxiedDashboard(app, tree, database);
    }

    /// <summary>A client that keeps cookies, shows redirects, and sends the headers a proxy adds for this client.</summary>
    /// <param name="over">A connection already open to the dashboard, for every request (the test knows its ports beforehand).</param>
    public HttpClient Client(string? forwardedFor = null, string? forwardedProto = null, Socket? over = null)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true };
        if (over is not null)
        {
            handler.MaxConnectionsPerServer = 1;
            handler.ConnectCallback = (_, _) => ValueTask.FromResult<Stream>(new NetworkStream(over, ownsSocket: true));
        }

        var client = new HttpClient(handler) { BaseAddress = BaseAddress };
        if (forwardedFor is not null)
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        }

        if (forwardedProto is not null)
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-Proto", forwardedProto);
        }

        return client;
    }

    /// <summary>A client with a fresh API token of root's.</summary>
    public async Task<HttpClient> TokenClientAsync(string? forwardedFor = null, string? forwardedProto = null, Socket? over = null)
    {
        var made = await Services.GetRequiredService<ApiTokenStore>().CreateAsync($"proxy-{Guid.NewGuid():N}"[..20], new Actor("root", null));
        var client = Client(forwardedFor, forwardedProto, over);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", made.Secret);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Scratch.DeleteDatabase(_database);
        Directory.Delete(Tree, recursive: true);
    }
}
