using System.Net;
using Passthru.Core.Host;

namespace Passthru.Core.Safety;

/// <summary>
/// What the host does through each network interface: the routes and addresses it holds itself, and
/// what is stacked on it (the bridge it is a port of, the bond it is a member of, a VLAN on it, and
/// what is stacked on those in turn), each with the routes and addresses that make it needed, and the
/// guests a bridge serves. Read from /proc/net and the interfaces' <c>master</c>, <c>upper_*</c>,
/// <c>brport/</c> and <c>bonding_slave/</c> entries in sysfs.
/// </summary>
internal sealed class NetworkUse
{
    /// <summary>Deeper than any real stack (a NIC in a bond, a VLAN on it, in a bridge is three).</summary>
    private const int MaxDepth = 8;

    /// <summary>More interfaces under one address than any host has; a loop in a damaged tree ends here.</summary>
    private const int MaxDevices = 64;

    /// <summary>Routes or addresses named in a refusal before the rest are counted.</summary>
    private const int Shown = 4;

    private readonly HostReader _host;
    private readonly ILookup<string, InterfaceAddress> _addresses;
    private readonly ILookup<string, InterfaceRoute> _routes;
    private readonly IReadOnlyList<InterfaceRoute> _allRoutes;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _bridgeUsers;

    private NetworkUse(HostReader host, IReadOnlyDictionary<string, IReadOnlyList<string>>? bridgeUsers)
    {
        _host = host;
        var route = host.Read("proc/net/route");
        _allRoutes = ProcNetTables.Routes(route, host.Read("proc/net/ipv6_route"));
        _routes = _allRoutes.ToLookup(r => r.Interface, StringComparer.Ordinal);
        _addresses = ProcNetTables.InterfaceAddresses(host.Read("proc/net/if_inet6"), host.Read("proc/net/fib_trie"), route)
            .ToLookup(a => a.Interface, StringComparer.Ordinal);
        _bridgeUsers = bridgeUsers?.ToDictionary(u => u.Key, u => u.Value, StringComparer.Ordinal) ?? [];
    }

    /// <param name="bridgeUsers">Which guests use each host bridge (bridge → guest names), to name them when a port would leave.</param>
    public static NetworkUse Read(HostReader host, IReadOnlyDictionary<string, IReadOnlyList<string>>? bridgeUsers) => new(host, bridgeUsers);

    /// <summary>Every address of the interface, link-local ones included (the dry run shows them all).</summary>
    public IReadOnlyList<InterfaceAddress> AddressesOf(string name) => _addresses[name].ToArray();

    /// <summary>
    /// The interfaces traffic to an address runs through: those that own it (one of this host's addresses)
    /// or else the one whose most specific route covers it (a far client's address, as a proxy on this host
    /// forwards it), and what is under them in turn (a bridge's ports, a bond's members, a VLAN's link, by
    /// their <c>lower_*</c> links). The NIC under the bridge the dashboard is reached through carries the
    /// dashboard's connection as surely as an interface that owns the address.
    /// </summary>
    public IReadOnlyList<string> InterfacesWith(IPAddress address)
    {
        // A dual-stack listener sees an IPv4 connection's ends as ::ffff:a.b.c.d; the tables list a.b.c.d.
        address = IPAddresses.Unmapped(address);
        var found = _addresses.Where(g => g.Any(a => a.Address.Equals(address))).Select(g => g.Key).ToList();
        if (found.Count == 0 && RouteTo(address) is { } route)
        {
            found.Add(route.Interface);
        }

        for (var i = 0; i < found.Count && found.Count < MaxDevices; i++)
        {
            found.AddRange(_host.List($"sys/class/net/{found[i]}")
                .Where(e => e.StartsWith("lower_", StringComparison.Ordinal))
                .Select(e => e["lower_".Length..])
                .Where(lower => HostReader.IsName(lower) && !found.Contains(lower, StringComparer.Ordinal))
                .Order(StringComparer.Ordinal));
        }

        return found;
    }

    /// <summary>The main table's most specific route to an address, as the kernel would choose it (no policy rules: /proc lists the main table only).</summary>
    private InterfaceRoute? RouteTo(IPAddress address)
        => _allRoutes.Where(r => r.Destination.BaseAddress.AddressFamily == address.AddressFamily && r.Destination.Contains(address))
            .MaxBy(r => r.Destination.PrefixLength);

    /// <summary>Why the host needs this NIC: its own routes and addresses, each stack on it that has a role, and the guests of its bridges.</summary>
    public IReadOnlyList<string> InUse(string nic)
    {
        var inUse = new List<string>();
        if (Role(nic) is { } role)
        {
            inUse.Add($"{nic} {role}");
        }

        var bridges = new List<string>();
        Stacks([nic], inUse, bridges);
        foreach (var bridge in bridges.Distinct(StringComparer.Ordinal))
        {
            if (_bridgeUsers.GetValueOrDefault(bridge) is { Count: > 0 } guests)
            {
                var names = guests.Distinct(StringComparer.Ordinal).ToArray();
                inUse.Add(names.Length == 1 ? $"guest {names[0]} uses {bridge}" : $"guests {string.Join(", ", names)} use {bridge}");
            }
        }

        return inUse;
    }

    /// <summary>
    /// One line per device stacked above the NIC that has a role of its own, and one per top of a stack
    /// (a bridge port is needed even when the bridge has no address: its guests' traffic goes through it).
    /// </summary>
    private void Stacks(List<string> path, List<string> inUse, List<string> bridges)
    {
        var current = path[^1];
        var uppers = path.Count > MaxDepth ? [] : Uppers(current).Where(u => !path.Contains(u, StringComparer.Ordinal)).ToArray();
        if (path.Count > 1)
        {
            var role = Role(current);
            if (role is not null || uppers.Length == 0)
            {
                inUse.Add(Chain(path) + (role is null ? "" : $", which {role}"));
            }
        }

        foreach (var upper in uppers)
        {
            if (Kind(upper, current) == "bridge")
            {
                bridges.Add(upper);
            }

            path.Add(upper);
            Stacks(path, inUse, bridges);
            path.RemoveAt(path.Count - 1);
        }
    }

    /// <summary>"eth1 is under VLAN eth1.10, which is a port of bridge vmbr10".</summary>
    private string Chain(List<string> path)
    {
        var text = path[0];
        for (var i = 1; i < path.Count; i++)
        {
            text += (i == 1 ? " " : ", which ") + Relation(path[i - 1], path[i]);
        }

        return text;
    }

    private string Relation(string lower, string upper)
    {
        var kind = Kind(upper, lower);
        return !IsMaster(lower, upper) ? $"is under {kind} {upper}"
            : kind == "bond" ? $"is a member of bond {upper}"
            : $"is a port of {kind} {upper}";
    }

    /// <summary>The devices stacked directly on an interface: its master (a bridge, a bond) and every <c>upper_*</c> (VLANs, macvlans, and the master again).</summary>
    private IEnumerable<string> Uppers(string name)
    {
        var uppers = _host.List($"sys/class/net/{name}")
            .Where(e => e.StartsWith("upper_", StringComparison.Ordinal))
            .Select(e => e["upper_".Length..]);
        var master = _host.LinkName($"sys/class/net/{name}/master");
        return (master is null ? uppers : uppers.Prepend(master))
            .Where(HostReader.IsName)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
    }

    private bool IsMaster(string lower, string upper) => _host.LinkName($"sys/class/net/{lower}/master") == upper;

    /// <summary>What the upper is, from its own directory (bridge/, bonding/, its uevent's DEVTYPE), else from the lower's side (brport/, bonding_slave/).</summary>
    private string Kind(string upper, string lower)
    {
        var master = IsMaster(lower, upper);
        if (_host.IsDirectory($"sys/class/net/{upper}/bridge") || (master && _host.IsDirectory($"sys/class/net/{lower}/brport")))
        {
            return "bridge";
        }

        if (_host.IsDirectory($"sys/class/net/{upper}/bonding") || (master && _host.IsDirectory($"sys/class/net/{lower}/bonding_slave")))
        {
            return "bond";
        }

        var devType = (_host.Read($"sys/class/net/{upper}/uevent") ?? "").Split('\n')
            .FirstOrDefault(l => l.StartsWith("DEVTYPE=", StringComparison.Ordinal))?["DEVTYPE=".Length..].Trim();
        return devType switch
        {
            "vlan" => "VLAN",
            { Length: > 0 and <= 32 } word when word.All(char.IsAsciiLetterOrDigit) => word,
            _ => "interface",
        };
    }

    /// <summary>
    /// What makes an interface needed in itself: the default route, any other route, an address. Link-local
    /// addresses (fe80::/10, 169.254/16) do not count: the kernel gives fe80:: to every interface that is up,
    /// so counting it would refuse every NIC and make the override a habit. Incus draws the same line (it
    /// takes a NIC only without a global unicast address), and Passthru must not be looser than it.
    /// </summary>
    private string? Role(string name)
    {
        var addresses = _addresses[name].Where(a => !a.IsLinkLocal).ToArray();
        var routes = _routes[name].Where(r => !r.IsDefault && !IsConnected(r, addresses)).ToArray();
        var parts = new List<string>();
        if (_routes[name].Any(r => r.IsDefault))
        {
            parts.Add("carries the default route" + (addresses.Length > 0 ? $" ({List(addresses)})" : ""));
        }
        else if (addresses.Length > 0)
        {
            parts.Add($"has the address{(addresses.Length > 1 ? "es" : "")} {List(addresses)}");
        }

        if (routes.Length > 0)
        {
            parts.Add($"holds the route{(routes.Length > 1 ? "s" : "")} to {List(routes)}");
        }

        return parts.Count == 0 ? null : string.Join(" and ", parts);
    }

    /// <summary>The prefix route the kernel adds with an address (192.168.1.0/24 for 192.168.1.10/24): the address says it already.</summary>
    private static bool IsConnected(InterfaceRoute route, IReadOnlyList<InterfaceAddress> addresses)
        => route.Gateway is null && addresses.Any(a => a.PrefixLength == route.Destination.PrefixLength && route.Destination.Contains(a.Address));

    private static string List<T>(IReadOnlyList<T> items)
        => items.Count <= Shown
            ? string.Join(", ", items)
            : $"{string.Join(", ", items.Take(Shown))} and {items.Count - Shown} more";
}
