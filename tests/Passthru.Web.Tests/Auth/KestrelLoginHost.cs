using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Passthru.TestSupport;

namespace Passthru.Web.Tests.Auth;

/// <summary>
/// The real app with logins on (real PAM, the test accounts) on real Kestrel at 127.0.0.1, on a fake clock
/// the tests move on, with its log captured. Clients connect from any 127.x.y.z source address (Linux routes
/// the whole block to loopback), so the app sees as many different remote addresses as a test wants.
/// </summary>
public sealed class KestrelLoginHost : IAsyncLifetime
{
    private WebApplication? _app;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    public CapturedLog Log { get; } = new();

    public string Database { get; } = Scratch.NewPath("passthru-login") + ".db";

    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _app = PassthruApp.Build(
            ["--urls", "http://127.0.0.1:0", "--host-root", CapturedTrees.Path("intel-initial"), "--Passthru:PciIdsPath", TreeScan.SystemPciIds,
             "--Passthru:Database", Database, "--Passthru:LibvirtUri", LibvirtTestHost.UnreachableUri, "--Passthru:InterruptHistorySeconds", "0",
             "--Passthru:Auth:Enabled", "true", "--Passthru:Auth:PamService", PamTestAccounts.MissingReason is null ? PamTestAccounts.Service : "passthru"],
            builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(Time);
                builder.Logging.AddProvider(Log);
            });
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    /// <summary>
    /// A browser at 127.0.0.<paramref name="host"/>: its connections leave from that address, it keeps its cookies in
    /// <paramref name="cookies"/>, and it shows redirects instead of following them.
    /// </summary>
    public HttpClient BrowserAt(byte host, CookieContainer? cookies = null)
    {
        var source = new IPAddress([127, 0, 0, host]);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            CookieContainer = cookies ?? new CookieContainer(),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = BaseAddress };
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Scratch.DeleteDatabase(Database);
    }
}
