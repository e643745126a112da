using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Passthru.Core.Auth;
using Passthru.Web.Configuration;
using Passthru.Core.Host;

namespace Passthru.Web.Hosting;

/// <summary>
/// Works out each request's <see cref="ConnectionOrigin"/>. First thing in the pipeline: the forwarded headers of a
/// trusted proxy (and only of one) replace the connection's remote address and scheme, so that everything after sees
/// the real client and https; then a loopback connection nobody forwarded is checked for an SSH tunnel.
/// </summary>
public static class ConnectionOrigins
{
    /// <summary>The connection's own ends, before a proxy's headers replace the remote one.</summary>
    private sealed record Arrival(IPAddress? Remote, int RemotePort, IPAddress? Local, int LocalPort);

    /// <summary>The key of a connection's SSH session lookup among its items: the same for the connection's whole life.</summary>
    private static readonly object SshSessionKey = new();

    public static IServiceCollection AddConnectionOrigins(this IServiceCollection services)
    {
        // A test may have put one reading a SYNTHETIC /proc first.
        services.TryAddSingleton(new SshTunnels());
        services.AddOptions<ForwardedHeadersOptions>()
            .Configure<IOptions<PassthruOptions>>((forwarded, passthru) => TrustOnly(forwarded, passthru.Value.TrustedProxies));
        return services;
    }

    /// <summary>Forwarded headers from the listed proxies only; ASP.NET's default trust of loopback goes (a local user could forge them).</summary>
    internal static void TrustOnly(ForwardedHeadersOptions options, IReadOnlyList<string> entries)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var network in entries.Select(TrustedProxyList.Parse).OfType<System.Net.IPNetwork>())
        {
            options.KnownIPNetworks.Add(network);
        }

        // One hop per listed proxy: a chain of them is unwound, and no further than the list goes.
        options.ForwardLimit = Math.Max(1, entries.Count);
    }

    public static IApplicationBuilder UseConnectionOrigins(this IApplicationBuilder app)
    {
        app.Use((context, next) =>
        {
            var connection = context.Connection;
            context.Features.Set(new Arrival(connection.RemoteIpAddress, connection.RemotePort, connection.LocalIpAddress, connection.LocalPort));
            return next(context);
        });
        app.UseForwardedHeaders();
        app.Use(async (context, next) =>
        {
            context.Features.Set(await ResolveAsync(context, context.RequestServices.GetRequiredService<SshTunnels>()));
            await next(context);
        });
        return app;
    }

    private static async Task<ConnectionOrigin> ResolveAsync(HttpContext context, SshTunnels tunnels)
    {
        var forwarded = context.Connection.RemoteIpAddress;
        if (context.Features.Get<Arrival>() is not { Remote: { } remote, Local: { } local } arrival)
        {
            return ConnectionOrigin.Direct(forwarded, context.Connection.LocalIpAddress);
        }

        if (!IPAddresses.IsLoopback(remote))
        {
            // A browser, or a proxy on another machine: the interface this host receives it on is what carries it.
            return new ConnectionOrigin(forwarded, local, forwarded?.ToString());
        }

        if (forwarded is not null && !IPAddresses.IsLoopback(forwarded))
        {
            // A proxy on this host forwarded a far client: the interface that routes to the client carries it.
            return new ConnectionOrigin(forwarded, forwarded, forwarded.ToString());
        }

        if (await SshSessionAsync(context, tunnels, new IPEndPoint(remote, arrival.RemotePort), new IPEndPoint(local, arrival.LocalPort)) is { } ssh)
        {
            return new ConnectionOrigin(ssh.Client.Address, ssh.Server.Address, $"{IPAddresses.Unmapped(remote)} via ssh from {IPAddresses.Unmapped(ssh.Client.Address)}");
        }

        return ConnectionOrigin.Direct(remote, local);
    }

    /// <summary>The SSH session behind a loopback connection, looked up once for the connection's life.</summary>
    private static Task<SshSession?> SshSessionAsync(HttpContext context, SshTunnels tunnels, IPEndPoint client, IPEndPoint server)
        => PerConnection.GetOrAddAsync(context, SshSessionKey, () => tunnels.FindAsync(client, server, CancellationToken.None));
}
