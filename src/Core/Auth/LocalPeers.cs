using System.Net;
using Passthru.Core.Host;

namespace Passthru.Core.Auth;

/// <summary>Who is on the other end of a loopback TCP connection to this process.</summary>
public interface ILocalPeerIdentifier
{
    /// <param name="client">The connection's remote end, as this process's socket sees it.</param>
    /// <param name="server">The connection's local end.</param>
    /// <returns>The uid that owns the client's socket; null when no socket of this network namespace matches.</returns>
    Task<uint?> FindOwnerAsync(IPEndPoint client, IPEndPoint server, CancellationToken cancellationToken = default);
}

/// <summary>
/// Finds a loopback client's user in the kernel's socket tables: the client's own socket is listed with
/// the connection's ends swapped, and with the uid of the process that opened it.
/// </summary>
public sealed class LoopbackPeerIdentifier : ILocalPeerIdentifier
{
    public async Task<uint?> FindOwnerAsync(IPEndPoint client, IPEndPoint server, CancellationToken cancellationToken = default)
        => ClientSocket(await TcpSocketTable.ReadOwnAsync(cancellationToken), client, server)?.Uid;

    /// <summary>The client's end of the connection from <paramref name="client"/> to <paramref name="server"/>.</summary>
    /// <remarks>A dual-stack listener sees an IPv4 client as <c>::ffff:127.0.0.1</c> while the client's socket is plain IPv4.</remarks>
    public static TcpSocket? ClientSocket(IEnumerable<TcpSocket> sockets, IPEndPoint client, IPEndPoint server)
        => sockets.FirstOrDefault(socket => socket.State == TcpSocket.Established && Same(socket.Local, client) && Same(socket.Remote, server));

    private static bool Same(IPEndPoint a, IPEndPoint b)
        => a.Port == b.Port && Unmapped(a.Address).Equals(Unmapped(b.Address));

    private static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
