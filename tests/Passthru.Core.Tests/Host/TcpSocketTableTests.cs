using System.Net;
using Passthru.Core.Auth;
using Passthru.Core.Host;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Host;

/// <summary>The socket tables captured from a real kernel while four loopback connections were open (tests/fixtures/proc-net/README.md).</summary>
public sealed class TcpSocketTableTests
{
    private static readonly string Tcp = File.ReadAllText(Path.Combine(RepositoryPaths.ProcNetFixtures, "tcp"));
    private static readonly string Tcp6 = File.ReadAllText(Path.Combine(RepositoryPaths.ProcNetFixtures, "tcp6"));
    private static readonly IReadOnlyList<TcpSocket> Sockets = [.. TcpSocketTable.Parse(Tcp), .. TcpSocketTable.Parse(Tcp6)];

    [Fact]
    public void Parse_CapturedTables_ReadsEveryRowWithItsEndsStateOwnerAndInode()
    {
        Assert.Equal(12, Sockets.Count);
        var listener = Sockets[0];
        Assert.Equal((IPEndPoint.Parse("127.0.0.1:5280"), IPEndPoint.Parse("0.0.0.0:0"), 10, 0u, 1823822ul),
            (listener.Local, listener.Remote, listener.State, listener.Uid, listener.Inode));
        var v6Client = Sockets.Single(s => s.Inode == 1823493);
        Assert.Equal((IPEndPoint.Parse("[::1]:51654"), IPEndPoint.Parse("[::1]:5480"), TcpSocket.Established, 1001u),
            (v6Client.Local, v6Client.Remote, v6Client.State, v6Client.Uid));
    }

    [Theory]
    [InlineData("127.0.0.1:45524", "127.0.0.1:5280", 1002u)] // IPv4 to an IPv4 listener
    [InlineData("[::ffff:127.0.0.7]:56528", "[::ffff:127.0.0.1]:5380", 1002u)] // IPv4 to a dual-stack listener, as the server sees it
    [InlineData("[::1]:51654", "[::1]:5480", 1001u)] // IPv6
    [InlineData("[::1]:59460", "[::1]:5380", 0u)] // root's own client
    public void ClientSocket_OfEachCapturedConnection_IsTheClientsOwnSocketWithItsUser(string client, string server, uint uid)
    {
        var socket = LoopbackPeerIdentifier.ClientSocket(Tcp, Tcp6, IPEndPoint.Parse(client), IPEndPoint.Parse(server));

        Assert.NotNull(socket);
        Assert.Equal(uid, socket.Uid);
    }

    [Theory]
    [InlineData("127.0.0.1:45525", "127.0.0.1:5280")] // a client port nobody has
    [InlineData("127.0.0.2:45524", "127.0.0.1:5280")] // another source address
    [InlineData("[::1]:45524", "[::1]:5280")] // the IPv4 connection's ports over IPv6
    public void ClientSocket_OfAConnectionNotInTheTable_IsNotFound(string client, string server)
        => Assert.Null(LoopbackPeerIdentifier.ClientSocket(Tcp, Tcp6, IPEndPoint.Parse(client), IPEndPoint.Parse(server)));

    [Theory]
    [InlineData("")]
    [InlineData("   0: 0100007F:14A0 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0")]
    [InlineData("   0: 0100007F:14A 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1")]
    [InlineData("   0: 0100007G:14A0 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1")]
    [InlineData("   0: 0100007F:14A0 00000000:0000 0A 00000000:00000000 00:00000000 00000000    -1        0 1 1")]
    [InlineData("   0: 00000000000000000000000001000000:14A0:00 00000000000000000000000000000000:0000 0A 0:0 0:0 0 0 0 1 1")]
    public void Parse_DamagedLines_AreSkipped(string line)
        => Assert.Empty(TcpSocketTable.Parse(line));

    [Fact]
    public async Task FindOwnerAsync_FindsTheClientOfARealConnectionInThisProcess()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var accepted = await listener.AcceptTcpClientAsync();

        var owner = await new LoopbackPeerIdentifier().FindOwnerAsync(
            (IPEndPoint)accepted.Client.RemoteEndPoint!, (IPEndPoint)accepted.Client.LocalEndPoint!);

        Assert.Equal(HostAccounts.ProcessUid, owner);
    }
}
