using System.Net;

namespace Passthru.Web.Configuration;

/// <summary>
/// <c>Passthru:TrustedProxies</c>: the proxies in front of Passthru (an nginx or Caddy that terminates TLS, on this
/// host or another) whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed. Only theirs: the same
/// headers from anyone else are ignored, since a client could write any address into them.
/// </summary>
public static class TrustedProxyList
{
    /// <summary>The entry as an address or a network; null when it is neither (the options validator refuses it at start).</summary>
    public static IPNetwork? Parse(string? entry)
    {
        var text = entry?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (!IsPlainAddress(slash < 0 ? text : text[..slash]))
        {
            return null;
        }

        if (slash < 0)
        {
            var address = IPAddress.Parse(text);
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }

        // A base address with bits set beyond the prefix (10.0.0.1/8) is a mistyped network, not a guess to make.
        return IPNetwork.TryParse(text, out var network) && network.BaseAddress.Equals(IPAddress.Parse(text[..slash])) ? network : null;
    }

    /// <summary>Four dotted numbers or an IPv6 address; not the shorthands IPAddress also takes ("10" for 0.0.0.10), nor a scope.</summary>
    private static bool IsPlainAddress(string text)
        => IPAddress.TryParse(text, out var address)
            && (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                ? text.All(c => char.IsAsciiHexDigit(c) || c is '.' or ':')
                : text.All(c => char.IsAsciiDigit(c) || c == '.') && text.Count(c => c == '.') == 3);

    /// <summary>Null when every entry parses; else the message that names the bad ones.</summary>
    public static string? Malformed(IEnumerable<string?>? entries)
    {
        var bad = (entries ?? []).Where(entry => Parse(entry) is null).Select(entry => $"'{Printable(entry)}'").ToArray();
        return bad.Length == 0
            ? null
            : $"Passthru:TrustedProxies has {string.Join(", ", bad)}, which {(bad.Length == 1 ? "is" : "are")} neither an IP address nor a network " +
              "in CIDR form (for example 127.0.0.1, 192.0.2.10, 10.0.0.0/24, ::1, fd00::/64).";
    }

    private static string Printable(string? entry) => Passthru.Core.Host.PrintableText.Of(entry ?? "", 60);
}
