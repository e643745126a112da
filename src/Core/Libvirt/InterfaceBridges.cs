using System.Xml.Linq;

namespace Passthru.Core.Libvirt;

/// <summary>
/// The host bridges a domain's network interfaces use: what a guest loses when a NIC under that bridge
/// leaves the host. <c>&lt;interface type='bridge'&gt;&lt;source bridge='vmbr0'/&gt;</c> names it; so does a
/// <c>type='network'</c> interface in the live XML, where libvirt adds the bridge its network runs on
/// (<c>&lt;source network='default' bridge='virbr0'/&gt;</c>).
/// </summary>
internal static class InterfaceBridges
{
    /// <summary>Linux's IFNAMSIZ less the NUL.</summary>
    private const int MaxInterfaceName = 15;

    public static IReadOnlyList<string> Read(XElement domain, ICollection<string> warnings)
    {
        var bridges = new List<string>();
        foreach (var element in domain.Elements("devices").Elements("interface"))
        {
            if ((string?)element.Attribute("type") is not ("bridge" or "network")
                || (string?)element.Element("source")?.Attribute("bridge") is not { } bridge)
            {
                continue;
            }

            if (!IsInterfaceName(bridge))
            {
                warnings.Add($"An interface's bridge '{Shorten(bridge)}' is not a Linux interface name; it was skipped.");
            }
            else if (!bridges.Contains(bridge, StringComparer.Ordinal))
            {
                bridges.Add(bridge);
            }
        }

        return bridges;
    }

    /// <summary>As the kernel's dev_valid_name: 1 to 15 characters, not "." or "..", no '/', ':' or white space.</summary>
    internal static bool IsInterfaceName(string name)
        => name.Length is > 0 and <= MaxInterfaceName && name is not ("." or "..")
            && !name.Any(c => c is '/' or ':' or '\0' || char.IsWhiteSpace(c));

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
