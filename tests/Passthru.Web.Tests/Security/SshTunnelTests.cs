using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Passthru.Core.Auth;
using Passthru.TestSupport;

namespace Passthru.Web.Tests.Security;

/// <summary>
/// A request through an SSH tunnel (<c>ssh -L 5280:127.0.0.1:5280 host</c>) arrives on loopback; the sshd holding its
/// client socket says where it really comes from. No sshd runs in the tests: the app reads a SYNTHETIC /proc that lists
/// the test's real connection to it as held by an sshd-session whose SSH session arrives at 192.168.1.10 on vmbr0.
/// </summary>
public sealed class SshTunnelTests
{
    private static readonly IPEndPoint SshServer = IPEndPoint.Parse("192.168.1.10:22");
    private static readonly IPEndPoint SshClient = IPEndPoint.Parse("203.0.113.7:51234");

    [Fact]
    public async Task ARequestThroughAnSshTunnel_SYNTHETIC_ProtectsTheSessionsNicAndIsRecordedAsFromTheSshClient()
    {
        using var proc = new SyntheticProcTree();
        await using var dashboard = await ProxiedDashboard.StartAsync([], tree =>
        {
            // eth1 (05:00.0) is the port of vmbr0, which has 192.168.1.10: the address the SSH session arrives at.
            HostLayouts.VirtualNetDevice(tree, "vmbr0", "bridge", ifIndex: 6);
            HostLayouts.Enslave(tree, "eth1", "vmbr0");
            HostLayouts.Routes(tree, ("vmbr0", "0.0.0.0/0", "192.168.1.1"), ("vmbr0", "192.168.1.0/24", null));
            HostLayouts.LocalAddresses(tree, "192.168.1.10");
        }, services => services.AddSingleton(new SshTunnels(proc.Root)));
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, dashboard.BaseAddress.Port);
        proc.Process(900, "sshd-session", parent: 1, 7001, 7002);
        proc.Sockets(((IPEndPoint)socket.LocalEndPoint!, (IPEndPoint)socket.RemoteEndPoint!, 7001), (SshServer, SshClient, 7002));
        using var client = await dashboard.TokenClientAsync(over: socket);

        using var nic = await client.PostAsJsonAsync("/api/devices/0000:05:00.0/detach", new { dryRun = true, force = true });
        var plan = await nic.Content.ReadFromJsonAsync<JsonElement>();
        // The answer holds for the connection's life: the next request on it is not looked up again.
        Directory.Delete(Path.Combine(proc.Root, "900"), recursive: true);
        using var refused = await client.PostAsJsonAsync("/api/devices/0000:00:05.0/detach", new { });
        var history = await client.GetFromJsonAsync<JsonElement>("/api/history?device=0000:00:05.0");

        Assert.Contains(plan.GetProperty("refusals").EnumerateArray(), refusal => refusal.GetProperty("kind").GetString() == "DashboardConnection");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("127.0.0.1 via ssh from 203.0.113.7", history.EnumerateArray().First().GetProperty("remoteAddress").GetString());
    }
}
