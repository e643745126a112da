using System.Net;

namespace Passthru.Web.Configuration;

/// <summary>
/// Passthru runs as root and can take devices away from the host. Until authentication exists it
/// listens on loopback only: any other listen address is refused at start.
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

    /// <summary>Null when every URL is loopback, else the message to stop with.</summary>
    public static string? Refusal(IEnumerable<string> urls)
    {
        var outside = urls.Where(url => !IsLoopback(url)).ToArray();
        return outside.Length == 0
            ? null
            : $"Refusing to listen on {string.Join(", ", outside)}: Passthru can take devices away from this host, and " +
              "until authentication is configured it listens on loopback only (127.0.0.1, ::1, localhost). " +
              "Reach it through an SSH tunnel (ssh -L 5280:127.0.0.1:5280 host), or use --urls http://127.0.0.1:PORT.";
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
