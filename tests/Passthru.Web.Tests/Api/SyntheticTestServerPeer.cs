using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Passthru.Core.Auth;

namespace Passthru.Web.Tests.Api;

/// <summary>
/// SYNTHETIC: the test server has no sockets, so there is no kernel socket table to find a caller in. Its
/// requests come from this test process, so they are given a loopback connection and this process's own uid,
/// which is what the real <see cref="LoopbackPeerIdentifier"/> finds for a client in this process on real
/// Kestrel (LocalUserTests checks that, and other users' refusal, with real processes).
/// </summary>
public sealed class SyntheticTestServerPeer : ILocalPeerIdentifier, IStartupFilter
{
    public Task<uint?> FindOwnerAsync(IPEndPoint client, IPEndPoint server, CancellationToken cancellationToken = default)
        => Task.FromResult<uint?>(HostAccounts.ProcessUid);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next)
        => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress ??= IPAddress.Loopback;
                context.Connection.LocalIpAddress ??= IPAddress.Loopback;
                return nextMiddleware(context);
            });
            next(app);
        };
}
