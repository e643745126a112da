using System.Globalization;
using System.Net;
using System.Text;

namespace Passthru.Core.Host;

/// <summary>A TCP socket as <c>/proc/net/tcp</c> or <c>tcp6</c> lists it.</summary>
/// <param name="State">The kernel's TCP state number (1 established, 10 listening).</param>
/// <param name="Uid">The user that owns the socket: who opened it.</param>
/// <param name="Inode">The socket's inode: <c>/proc/PID/fd/*</c> links of the process holding it read <c>socket:[INODE]</c>.</param>
public sealed record TcpSocket(IPEndPoint Local, IPEndPoint Remote, int State, uint Uid, ulong Inode)
{
    public const int Established = 1;
}

/// <summary>
/// Reads the kernel's TCP socket tables. Each address is printed as the 32-bit words of its
/// network-order bytes, each word as a host-order number, so the bytes come back by writing each
/// word out in this host's own byte order.
/// </summary>
public static class TcpSocketTable
{
    /// <summary>The sockets of one table file's text; the header and lines that do not parse are skipped.</summary>
    public static IReadOnlyList<TcpSocket> Parse(string text)
    {
        var sockets = new List<TcpSocket>();
        foreach (var line in text.Split('\n'))
        {
            if (TryParseLine(line, out var socket))
            {
                sockets.Add(socket);
            }
        }

        return sockets;
    }

    /// <summary>
    /// The socket with exactly these ends in one table file's text, or null. Only the matching line is parsed:
    /// on a busy host the table has tens of thousands of lines, and this is asked for every new connection.
    /// </summary>
    /// <remarks>An IPv4 address is found in <c>tcp</c>; an IPv6 one (IPv4-mapped too) in <c>tcp6</c>.</remarks>
    public static TcpSocket? Find(string text, IPEndPoint local, IPEndPoint remote)
    {
        var key = $" {Hex(local)} {Hex(remote)} ";
        for (var at = text.IndexOf(key, StringComparison.Ordinal); at >= 0; at = text.IndexOf(key, at + 1, StringComparison.Ordinal))
        {
            var lineStart = text.LastIndexOf('\n', at) + 1;
            var lineEnd = text.IndexOf('\n', at);
            if (TryParseLine(text[lineStart..(lineEnd < 0 ? text.Length : lineEnd)], out var socket) && socket.Local.Equals(local) && socket.Remote.Equals(remote))
            {
                return socket;
            }
        }

        return null;
    }

    /// <summary>A table file's text; empty when the file is missing (a kernel without IPv6 has no <c>tcp6</c>).</summary>
    public static async Task<string> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            return await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>An end as the table prints it: each 32-bit word of the address as a host-order number, then the port.</summary>
    private static string Hex(IPEndPoint endPoint)
    {
        var bytes = endPoint.Address.GetAddressBytes();
        var text = new StringBuilder(bytes.Length * 2 + 5);
        for (var word = 0; word < bytes.Length / 4; word++)
        {
            text.Append(BitConverter.ToUInt32(bytes, word * 4).ToString("X8", CultureInfo.InvariantCulture));
        }

        return text.Append(':').Append(endPoint.Port.ToString("X4", CultureInfo.InvariantCulture)).ToString();
    }

    private static bool TryParseLine(string line, out TcpSocket socket)
    {
        socket = null!;
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...
        if (fields.Length < 10 || !fields[0].EndsWith(':')
            || !TryParseEndPoint(fields[1], out var local) || !TryParseEndPoint(fields[2], out var remote)
            || !int.TryParse(fields[3], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var state)
            || !uint.TryParse(fields[7], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
            || !ulong.TryParse(fields[9], NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
        {
            return false;
        }

        socket = new TcpSocket(local, remote, state, uid, inode);
        return true;
    }

    private static bool TryParseEndPoint(string text, out IPEndPoint endPoint)
    {
        endPoint = null!;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon is not (8 or 32) || text.Length - colon - 1 != 4
            || !ushort.TryParse(text.AsSpan(colon + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var port))
        {
            return false;
        }

        var bytes = new byte[colon / 2];
        for (var word = 0; word < colon / 8; word++)
        {
            if (!uint.TryParse(text.AsSpan(word * 8, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            BitConverter.TryWriteBytes(bytes.AsSpan(word * 4, 4), value);
        }

        endPoint = new IPEndPoint(new IPAddress(bytes), port);
        return true;
    }
}
