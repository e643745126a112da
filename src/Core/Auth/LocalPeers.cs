using System.Net;
using System.Net.Sockets;
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
        => ClientSocket(await TcpSocketTable.ReadAsync("/proc/self/net/tcp", cancellationToken), await TcpSocketTable.ReadAsync("/proc/self/net/tcp6", cancellationToken), client, server)?.Uid;

    /// <summary>The client's end of the connection from <paramref name="client"/> to <paramref name="server"/>, in the tables' texts.</summary>
    /// <remarks>
    /// A dual-stack listener sees an IPv4 client as <c>::ffff:127.0.0.1</c>, while the client's own socket may be
    /// plain IPv4 (in <c>tcp</c>) or IPv6 (in <c>tcp6</c>): both are looked for.
    /// </remarks>
    public static TcpSocket? ClientSocket(string tcp, string tcp6, IPEndPoint client, IPEndPoint server)
    {
        var found = IsIPv4(client.Address) && IsIPv4(server.Address)
            ? TcpSocketTable.Find(tcp, V4(client), V4(server)) ?? TcpSocketTable.Find(tcp6, V6(client), V6(server))
            : TcpSocketTable.Find(tcp6, client, server);
        return found?.State == TcpSocket.Established ? found : null;
    }

    private static bool IsIPv4(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork || address.IsIPv4MappedToIPv6;

    private static IPEndPoint V4(IPEndPoint endPoint) => new(endPoint.Address.MapToIPv4(), endPoint.Port);

    private static IPEndPoint V6(IPEndPoint endPoint) => new(endPoint.Address.MapToIPv6(), endPoint.Port);
}
