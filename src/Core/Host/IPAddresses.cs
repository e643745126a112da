using System.Net;

namespace Passthru.Core.Host;

/// <summary>Addresses as people and the kernel's tables write them.</summary>
public static class IPAddresses
{
    /// <summary>A dual-stack listener sees an IPv4 peer as <c>::ffff:a.b.c.d</c>; the tables and people know it as a.b.c.d.</summary>
    public static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>Loopback, an IPv4-mapped one too.</summary>
    public static bool IsLoopback(IPAddress address) => IPAddress.IsLoopback(Unmapped(address));
}
