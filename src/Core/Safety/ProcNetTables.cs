using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Passthru.Core.Safety;

/// <summary>An address on an interface, as <c>ip addr</c> shows it (<c>192.168.1.10/24</c>).</summary>
internal sealed record InterfaceAddress(string Interface, IPAddress Address, int PrefixLength)
{
    /// <summary>
    /// fe80::/10 and 169.254.0.0/16: what the kernel (or zeroconf) gives an interface by itself, not a sign
    /// that the host uses it. The same line Incus draws (Go's IsGlobalUnicast) before it takes a NIC.
    /// </summary>
    public bool IsLinkLocal => Address.IsIPv6LinkLocal || (Address.AddressFamily == AddressFamily.InterNetwork && Address.GetAddressBytes() is [169, 254, ..]);

    public override string ToString() => $"{Address}/{PrefixLength.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>A route through an interface (<c>10.20.0.0/16 via 10.0.3.1</c>); a prefix of 0 is a default route.</summary>
internal sealed record InterfaceRoute(string Interface, IPNetwork Destination, IPAddress? Gateway)
{
    public bool IsDefault => Destination.PrefixLength == 0;

    public override string ToString() => Gateway is null ? Destination.ToString() : $"{Destination} via {Gateway}";
}

/// <summary>
/// The routing and address tables of /proc/net, parsed line by line: a line that does not fit (not hex,
/// too short) is skipped, never thrown on, so a damaged file leaves a dry run knowing less.
/// </summary>
internal static class ProcNetTables
{
    private const uint RouteGateway = 0x0002;      // RTF_GATEWAY
    private const uint RouteReject = 0x0200;       // RTF_REJECT: unreachable, blackhole, prohibit
    private const uint RouteAnycast = 0x00100000;  // RTF_ANYCAST
    private const uint RouteCache = 0x01000000;    // RTF_CACHE: a cloned entry, not configuration
    private const uint RouteLocal = 0x80000000;    // RTF_LOCAL: the host's own address, which the address table already holds

    private static readonly IPNetwork IPv4LinkLocal = IPNetwork.Parse("169.254.0.0/16");

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>
    /// The routes that say an interface carries traffic: /proc/net/route (IPv4, the main table) and
    /// /proc/net/ipv6_route, less what an interface gets by itself (fe80::/64 and ff00::/8 from the kernel,
    /// 169.254.0.0/16 from zeroconf), the entries for the host's own addresses, and the reject routes on lo.
    /// </summary>
    public static IReadOnlyList<InterfaceRoute> Routes(string? ipv4, string? ipv6)
    {
        var routes = new List<InterfaceRoute>();
        foreach (var fields in Rows(ipv4).Where(f => f.Length >= 8 && f[0] is not ("*" or "lo")))
        {
            if (Hex(fields[1]) is { } destination && Hex(fields[2]) is { } gateway && Hex(fields[3]) is { } flags && Hex(fields[7]) is { } mask
                && (flags & RouteReject) == 0
                && TryNetwork(new IPAddress(BitConverter.GetBytes(destination)), System.Numerics.BitOperations.PopCount(mask), out var network)
                && !(network.PrefixLength >= 16 && IPv4LinkLocal.Contains(network.BaseAddress)))
            {
                // The kernel prints these words in host byte order; their bytes in memory are the address in network order.
                var via = (flags & RouteGateway) != 0 && gateway != 0 ? new IPAddress(BitConverter.GetBytes(gateway)) : null;
                routes.Add(new InterfaceRoute(fields[0], network, via));
            }
        }

        foreach (var fields in Rows(ipv6).Where(f => f.Length >= 10 && f[9] != "lo"))
        {
            if (Ipv6(fields[0]) is not { } destination || Hex(fields[1]) is not { } prefix || Hex(fields[8]) is not { } flags
                || (flags & (RouteReject | RouteAnycast | RouteCache | RouteLocal)) != 0
                || destination.IsIPv6LinkLocal || destination.IsIPv6Multicast
                || !TryNetwork(destination, (int)Math.Min(prefix, 129), out var network))
            {
                continue;
            }

            var via = Ipv6(fields[4]) is { } nextHop && !nextHop.Equals(IPAddress.IPv6Any) ? nextHop : null;
            routes.Add(new InterfaceRoute(fields[9], network, via));
        }

        return routes;
    }

    /// <summary>
    /// Addresses per interface: IPv6 from /proc/net/if_inet6; IPv4 from the LOCAL entries of
    /// /proc/net/fib_trie, which names no interface, so each is placed on the interface whose connected
    /// route (no gateway) covers it most narrowly. An IPv4 address with no such route (a /32) is not seen.
    /// </summary>
    public static IReadOnlyList<InterfaceAddress> InterfaceAddresses(string? ifInet6, string? fibTrie, string? route)
    {
        var addresses = new List<InterfaceAddress>();
        foreach (var fields in Rows(ifInet6).Where(f => f.Length >= 6))
        {
            if (Ipv6(fields[0]) is { } address && Hex(fields[2]) is { } prefixLength && prefixLength <= 128)
            {
                addresses.Add(new InterfaceAddress(fields[5], address, (int)prefixLength));
            }
        }

        var connected = Routes(route, null).Where(r => r.Gateway is null && !r.IsDefault).ToArray();
        var lines = (fibTrie ?? "").Split('\n');
        for (var i = 1; i < lines.Length; i++)
        {
            if (!lines[i].Contains("/32 host LOCAL", StringComparison.Ordinal))
            {
                continue;
            }

            var previous = lines[i - 1].Trim();
            if (previous.StartsWith("|-- ", StringComparison.Ordinal) && IPAddress.TryParse(previous[4..], out var local)
                && local.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(local)
                && connected.Where(r => r.Destination.Contains(local)).MaxBy(r => r.Destination.PrefixLength) is { } owner)
            {
                addresses.Add(new InterfaceAddress(owner.Interface, local, owner.Destination.PrefixLength));
            }
        }

        return addresses.Distinct().ToArray();
    }

    private static IEnumerable<string[]> Rows(string? text)
        => (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries));

    private static uint? Hex(string text)
        => text.Length <= 8 && uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>32 hex digits, as procfs prints an IPv6 address; anything else is none (FromHexString threw on it before: found by fuzzing).</summary>
    private static IPAddress? Ipv6(string hex)
        => hex.Length == 32 && !hex.AsSpan().ContainsAnyExcept(HexDigits) ? new IPAddress(Convert.FromHexString(hex)) : null;

    /// <summary>The network of an address and prefix length, its host bits cleared; false for a length the family cannot have.</summary>
    private static bool TryNetwork(IPAddress address, int prefixLength, out IPNetwork network)
    {
        var bytes = address.GetAddressBytes();
        if (prefixLength < 0 || prefixLength > bytes.Length * 8)
        {
            network = default;
            return false;
        }

        for (var bit = prefixLength; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        network = new IPNetwork(new IPAddress(bytes), prefixLength);
        return true;
    }
}
