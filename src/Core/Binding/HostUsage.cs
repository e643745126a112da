using System.Globalization;
using System.Net;
using Passthru.Core.Host;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;

namespace Passthru.Core.Binding;

/// <summary>
/// What the host uses through each PCI function, in the detail a refusal or a dry run needs:
/// which filesystems are mounted from a disk (partitions and device-mapper holders included), which
/// swap is active, which interface carries the default route and which addresses it has, whether
/// the console is on the boot display, which controller a keyboard hangs off. Read from procfs and
/// sysfs under the host root, so captured trees (with mounts, swaps and routes as files) test it.
/// </summary>
public sealed class HostUsage
{
    private readonly HostRoot _root;
    private readonly IReadOnlyList<(string Source, string MountPoint)> _mounts;
    private readonly IReadOnlySet<string> _swaps;
    private readonly IReadOnlySet<string> _defaultRouteInterfaces;
    private readonly ILookup<string, string> _addresses;
    private readonly IReadOnlyList<(string Target, string Name)> _blockLinks;
    private readonly IReadOnlySet<PciAddress> _keyboardControllers;
    private readonly bool _framebufferConsoleBound;

    private HostUsage(HostRoot root)
    {
        _root = root;
        _mounts = ProcMounts(Read("proc/mounts"));
        _swaps = ProcSwaps(Read("proc/swaps"));
        var route = Read("proc/net/route");
        _defaultRouteInterfaces = DefaultRoutes(route, Read("proc/net/ipv6_route"));
        _addresses = InterfaceAddresses(Read("proc/net/if_inet6"), Read("proc/net/fib_trie"), route);
        _blockLinks = ClassLinks("sys/class/block");
        _keyboardControllers = KeyboardControllers(Read("proc/bus/input/devices"));
        _framebufferConsoleBound = FramebufferConsoleBound();
    }

    public static HostUsage Read(HostRoot root) => new(root);

    /// <summary>The interfaces that own an address (the dashboard's own connection, say).</summary>
    public IEnumerable<string> InterfacesWith(IPAddress address)
        => _addresses.Where(g => g.Any(a => IPAddress.TryParse(a.Split('/')[0], out var ip) && ip.Equals(address))).Select(g => g.Key);

    /// <summary>Everything the host would lose if this function left its driver.</summary>
    public IReadOnlyList<HostLoss> LossesThrough(PciDevice device)
    {
        var losses = new List<HostLoss>();
        foreach (var use in device.HostInterfaces)
        {
            losses.Add(use.Kind switch
            {
                HostInterfaceKind.Block => Disk(use.Name),
                HostInterfaceKind.Net => Network(use.Name),
                HostInterfaceKind.Drm => new HostLoss(HostLossKind.Display, use.Name, $"display {use.Name}", Console(device)),
                _ => new HostLoss(HostLossKind.Sound, use.Name, $"sound card {use.Name}", []),
            });
        }

        if (device.BootVga == true && _framebufferConsoleBound && device.HostInterfaces.All(i => i.Kind != HostInterfaceKind.Drm))
        {
            losses.Add(new HostLoss(HostLossKind.Display, "boot display", "the boot display", Console(device)));
        }

        if (_keyboardControllers.Contains(device.Address))
        {
            losses.Add(new HostLoss(HostLossKind.Keyboard, "keyboard", "a keyboard attached through this controller",
                ["a keyboard is attached through it: the host's local console input would go with it"]));
        }

        return losses;
    }

    /// <summary>What the host needs through this function: the reasons a detach of it is refused unless overridden.</summary>
    public IReadOnlyList<string> NeedsOf(PciDevice device) => LossesThrough(device).SelectMany(loss => loss.InUse).ToArray();

    private IReadOnlyList<string> Console(PciDevice device)
        => device.BootVga == true && _framebufferConsoleBound
            ? ["the host's text console (fbcon) is on this boot display"]
            : [];

    private HostLoss Disk(string disk)
    {
        var names = BlockNamesOf(disk);
        var inUse = new List<string>();
        foreach (var (source, mountPoint) in _mounts)
        {
            if (names.Any(n => source == $"/dev/{n.Kernel}" || (n.Mapper is not null && source == $"/dev/mapper/{n.Mapper}")))
            {
                inUse.Add($"{source} is mounted on {mountPoint}");
            }
        }

        inUse.AddRange(names.Where(n => _swaps.Contains($"/dev/{n.Kernel}")).Select(n => $"/dev/{n.Kernel} is active swap"));
        var partitions = names.Select(n => n.Kernel).Where(n => n != disk).Order(StringComparer.Ordinal).ToArray();
        return new HostLoss(HostLossKind.Disk, disk,
            partitions.Length == 0 ? $"disk {disk}" : $"disk {disk} ({string.Join(", ", partitions)})", inUse);
    }

    private HostLoss Network(string name)
    {
        var addresses = _addresses[name].ToArray();
        var inUse = _defaultRouteInterfaces.Contains(name) ? new[] { $"{name} carries the default route" } : [];
        return new HostLoss(HostLossKind.Network, name,
            addresses.Length == 0 ? $"network interface {name}" : $"network interface {name} ({string.Join(", ", addresses)})", inUse);
    }

    /// <summary>A disk's own name, its partitions, and what stacks on them (LVM, dm-crypt, md), each with its device-mapper name.</summary>
    private List<(string Kernel, string? Mapper)> BlockNamesOf(string disk)
    {
        var names = new List<(string, string?)> { (disk, null) };
        names.AddRange(_blockLinks.Where(l => l.Target.Contains($"/{disk}/", StringComparison.Ordinal)).Select(l => (l.Name, (string?)null)));
        for (var i = 0; i < names.Count && i < 64; i++)
        {
            foreach (var holder in ListNames($"sys/class/block/{names[i].Item1}/holders"))
            {
                if (names.All(n => n.Item1 != holder))
                {
                    names.Add((holder, ReadTrimmed($"sys/class/block/{holder}/dm/name")));
                }
            }
        }

        return names;
    }

    internal static IReadOnlyList<(string Source, string MountPoint)> ProcMounts(string? text)
        => (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length >= 2)
            .Select(fields => (Unescape(fields[0]), Unescape(fields[1])))
            .ToArray();

    internal static IReadOnlySet<string> ProcSwaps(string? text)
        => Rows(text).Skip(1)
            .Where(fields => fields.Length > 0) // a line of blanks has no file name (it threw here before: found by fuzzing)
            .Select(fields => Unescape(fields[0]))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Interfaces with a default route: destination 0 in /proc/net/route (IPv4) or ::/0 in /proc/net/ipv6_route.</summary>
    internal static IReadOnlySet<string> DefaultRoutes(string? ipv4, string? ipv6)
    {
        var interfaces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fields in Rows(ipv4).Skip(1).Where(f => f.Length >= 8))
        {
            if (fields[1] == "00000000" && fields[7] == "00000000")
            {
                interfaces.Add(fields[0]);
            }
        }

        foreach (var fields in Rows(ipv6).Where(f => f.Length >= 10))
        {
            if (fields[0] == new string('0', 32) && fields[1] == "00" && fields[9] != "lo")
            {
                interfaces.Add(fields[9]);
            }
        }

        return interfaces;
    }

    /// <summary>
    /// Addresses per interface: IPv6 from /proc/net/if_inet6; IPv4 from the LOCAL entries of
    /// /proc/net/fib_trie, placed on the interface whose route covers them.
    /// </summary>
    internal static ILookup<string, string> InterfaceAddresses(string? ifInet6, string? fibTrie, string? route)
    {
        var pairs = new List<(string Interface, string Address)>();
        foreach (var fields in Rows(ifInet6).Where(f => f.Length >= 6 && f[0].Length == 32))
        {
            // A line that is not hex is skipped: FromHexString and int.Parse threw on it before, and the dry run failed (found by fuzzing).
            if (fields[0].All(char.IsAsciiHexDigit) && fields[2].All(char.IsAsciiHexDigit)
                && byte.TryParse(fields[2], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var prefixLength))
            {
                pairs.Add((fields[5], $"{new IPAddress(Convert.FromHexString(fields[0]))}/{prefixLength}"));
            }
        }

        var routes = Rows(route).Skip(1).Where(f => f.Length >= 8)
            .Select(f => (Interface: f[0], Network: LittleEndianHex(f[1]), Mask: LittleEndianHex(f[7])))
            .Where(r => r.Mask != 0)
            .ToArray();
        var lines = (fibTrie ?? "").Split('\n');
        for (var i = 1; i < lines.Length; i++)
        {
            if (!lines[i].Contains("/32 host LOCAL", StringComparison.Ordinal))
            {
                continue;
            }

            var previous = lines[i - 1].Trim();
            if (previous.StartsWith("|-- ", StringComparison.Ordinal) && IPAddress.TryParse(previous[4..], out var local) && !IPAddress.IsLoopback(local))
            {
                var value = BitConverter.ToUInt32(local.GetAddressBytes());
                foreach (var r in routes.Where(r => (value & r.Mask) == (r.Network & r.Mask)).Take(1))
                {
                    pairs.Add((r.Interface, $"{local}/{System.Numerics.BitOperations.PopCount(r.Mask)}"));
                }
            }
        }

        return pairs.Distinct().ToLookup(p => p.Interface, p => p.Address, StringComparer.Ordinal);
    }

    /// <summary>Controllers a keyboard hangs off: /proc/bus/input/devices entries with the kbd handler, by the last PCI address of their sysfs path.</summary>
    internal static IReadOnlySet<PciAddress> KeyboardControllers(string? devices)
    {
        var controllers = new HashSet<PciAddress>();
        foreach (var block in (devices ?? "").Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n');
            var sysfs = lines.FirstOrDefault(l => l.StartsWith("S: Sysfs=", StringComparison.Ordinal))?[9..];
            var handlers = lines.FirstOrDefault(l => l.StartsWith("H: Handlers=", StringComparison.Ordinal))?[12..];
            if (sysfs is null || handlers is null || !handlers.Split(' ').Contains("kbd"))
            {
                continue;
            }

            if (PciAddress.LastInPath(sysfs) is { } controller)
            {
                controllers.Add(controller);
            }
        }

        return controllers;
    }

    private bool FramebufferConsoleBound()
        => ListNames("sys/devices/virtual/vtconsole").Any(console =>
            ReadTrimmed($"sys/devices/virtual/vtconsole/{console}/name")?.Contains("frame buffer", StringComparison.Ordinal) == true
            && ReadTrimmed($"sys/devices/virtual/vtconsole/{console}/bind") == "1");

    private IReadOnlyList<(string Target, string Name)> ClassLinks(string directory)
        => ListNames(directory).Select(name => (NativeFile.ReadLink(_root.Resolve($"{directory}/{name}")) ?? "", name)).ToArray();

    private IReadOnlyList<string> ListNames(string directory)
    {
        var warnings = new List<string>();
        return new SysfsDirectory(_root.Resolve(directory), warnings).List();
    }

    /// <summary>
    /// Reads a file, following a final symlink inside the root: /proc/mounts is a link to self/mounts,
    /// and an attribute read never follows one (O_NOFOLLOW), so without this no mount was ever seen.
    /// </summary>
    private string? Read(string path)
    {
        var warnings = new List<string>();
        var real = _root.RealPath(path) ?? _root.Resolve(path);
        using var directory = new SysfsDirectory(Path.GetDirectoryName(real)!, warnings);
        return directory.ReadText(Path.GetFileName(real));
    }

    private string? ReadTrimmed(string path) => Read(path)?.Trim();

    private static IEnumerable<string[]> Rows(string? text)
        => (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries));

    private static uint LittleEndianHex(string hex)
        => uint.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value) ? value : 0;

    /// <summary>/proc/mounts escapes space, tab, newline and backslash as octal (\040).</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var builder = new System.Text.StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && TryOctal(field.AsSpan(i + 1, 3), out var ch))
            {
                builder.Append(ch);
                i += 3;
            }
            else
            {
                builder.Append(field[i]);
            }
        }

        return builder.ToString();
    }

    private static bool TryOctal(ReadOnlySpan<char> digits, out char value)
    {
        var result = 0;
        foreach (var digit in digits)
        {
            if (digit is < '0' or > '7')
            {
                value = '\0';
                return false;
            }

            result = (result * 8) + (digit - '0');
        }

        value = (char)result;
        return true;
    }
}
