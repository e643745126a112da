using System.Net;
using Passthru.Core.Safety;

namespace Passthru.Web.Configuration;

/// <summary>
/// Passthru runs as root and can take devices away from the host. Without logins it listens on
/// loopback only: any other listen address is refused at start. With logins it may listen anywhere,
/// over HTTPS (passwords and session cookies must not cross a network in clear text) unless a
/// TLS-terminating proxy in front is declared with <c>Passthru:Auth:AllowPlainHttp</c> and listed in
/// <c>Passthru:TrustedProxies</c>.
/// </summary>
public static class ListenAddressPolicy
{
    public const string DefaultUrl = "http://127.0.0.1:5280";

    /// <summary>Every URL the configuration asks Kestrel to listen on (<c>urls</c>, <c>Kestrel:Endpoints:*:Url</c>).</summary>
    public static IReadOnlyList<string> ConfiguredUrls(IConfiguration configuration)
    {
        var urls = (configuration["urls"] ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToList();
        urls.AddRange(configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(endpoint => endpoint["Url"])
            .OfType<string>());
        return urls;
    }

    /// <summary>Null when the URLs are acceptable with these login settings, else the message to stop with.</summary>
    /// <param name="proxiesTrusted">Whether <c>Passthru:TrustedProxies</c> lists any proxy.</param>
    public static string? Refusal(IEnumerable<string> urls, Auth.AuthOptions auth, bool proxiesTrusted = false)
    {
        if (proxiesTrusted && !auth.Enabled)
        {
            // Without logins the user is the local account that owns the connection: behind a proxy, the proxy's account, for everyone it relays.
            return "Refusing Passthru:TrustedProxies without logins: without them the user is the local account that owns the connection, " +
                "which behind a proxy is the proxy's, whoever is in front of it. Turn logins on (Passthru:Auth:Enabled=true), " +
                "or reach the dashboard through an SSH tunnel (ssh -L 5280:127.0.0.1:5280 host) instead of a proxy.";
        }

        var outside = urls.Where(url => !IsLoopback(url)).ToArray();
        if (outside.Length == 0)
        {
            return null;
        }

        if (!auth.Enabled)
        {
            return $"Refusing to listen on {string.Join(", ", outside)}: Passthru can take devices away from this host, and " +
                "without logins it listens on loopback only (127.0.0.1, ::1, localhost). " +
                "Reach it through an SSH tunnel (ssh -L 5280:127.0.0.1:5280 host), use --urls http://127.0.0.1:PORT, " +
                "or turn logins on (Passthru:Auth:Enabled=true) and listen over HTTPS.";
        }

        var plain = outside.Where(url => !url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)).ToArray();
        if (plain.Length > 0 && auth.AllowPlainHttp && !proxiesTrusted)
        {
            // The proxy's X-Forwarded-Proto is what makes the cookie Secure, HSTS sent and an https page's Origin match; untrusted, it is ignored.
            return $"Refusing to listen on {string.Join(", ", plain)} over plain HTTP with Passthru:Auth:AllowPlainHttp=true but no " +
                "Passthru:TrustedProxies: plain HTTP beyond loopback is only for a proxy that terminates TLS, and until that proxy is listed " +
                "its X-Forwarded-For and X-Forwarded-Proto are ignored, so every login would seem to come from the proxy (one guesser would " +
                "throttle everyone), the session cookie would not be Secure, HSTS would not be sent, and the browser's https origin would be " +
                "refused as foreign. List the proxy's address (Passthru:TrustedProxies:0=192.0.2.10).";
        }

        return plain.Length == 0 || auth.AllowPlainHttp
            ? null
            : $"Refusing to listen on {string.Join(", ", plain)} over plain HTTP: passwords and session cookies would cross the network " +
              "in clear text. Listen with https:// and a certificate (Kestrel:Endpoints:NAME:Url and :Certificate:Path/KeyPath; see the README), " +
              "or, only behind a proxy that terminates TLS, set Passthru:Auth:AllowPlainHttp=true.";
    }

    public static bool IsLoopback(string url)
    {
        // Kestrel accepts wildcards that Uri cannot parse ("http://*:80", "http://+:80"): those are all addresses.
        if (!Uri.TryCreate(url.Replace("://*", "://wildcard", StringComparison.Ordinal).Replace("://+", "://wildcard", StringComparison.Ordinal),
                UriKind.Absolute, out var uri))
        {
            return false;
        }

        var host = uri.Host.Trim('[', ']');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }
}
