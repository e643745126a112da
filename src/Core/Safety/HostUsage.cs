using System.Net;
using Passthru.Core.Host;
using Passthru.Core.Pci;

namespace Passthru.Core.Safety;

/// <summary>
/// What the host uses through each PCI function, in the detail a refusal or a dry run needs: what is
/// mounted or swapping on a disk, whatever is stacked between (<see cref="MountedFilesystems"/>); what a
/// NIC carries, itself or through the bridge, bond or VLAN on it (<see cref="NetworkUse"/>); whether the
/// console is on the boot display; which controller a keyboard hangs off. Read from procfs, sysfs and
/// udev's database under the host root, so captured trees (with mounts, swaps and routes as files) test it.
/// </summary>
public sealed class HostUsage
{
    private readonly HostReader _host;
    private readonly BlockDevices _blocks;
    private readonly MountedFilesystems _filesystems;
    private readonly NetworkUse _network;
    private readonly IReadOnlySet<PciAddress> _keyboardControllers;
    private readonly bool _framebufferConsoleBound;

    private HostUsage(HostRoot root, IReadOnlyDictionary<string, IReadOnlyList<string>>? bridgeUsers)
    {
        _host = new HostReader(root);
        _blocks = new BlockDevices(_host);
        _filesystems = MountedFilesystems.Read(_host, _blocks);
        _network = NetworkUse.Read(_host, bridgeUsers);
        _keyboardControllers = KeyboardControllers(_host.Read("proc/bus/input/devices"));
        _framebufferConsoleBound = FramebufferConsoleBound();
    }

    /// <summary>Reads what the host uses now.</summary>
    /// <param name="bridgeUsers">
    /// Which guests use each host bridge (bridge name → guest names, e.g. <c>GuestsSnapshot.BridgeUsers()</c>):
    /// a refusal to take a port of that bridge names them. Without it, bridges are still refused, their guests unnamed.
    /// </param>
    public static HostUsage Read(HostRoot root, IReadOnlyDictionary<string, IReadOnlyList<string>>? bridgeUsers = null) => new(root, bridgeUsers);

    /// <summary>The interfaces traffic to an address (the dashboard's own connection, say) runs through: its owner and the NICs under it.</summary>
    public IEnumerable<string> InterfacesWith(IPAddress address) => _network.InterfacesWith(address);

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
        var partitions = _blocks.NamesAbove(disk).Select(n => n.Kernel).Where(n => n != disk).Order(StringComparer.Ordinal).ToArray();
        return new HostLoss(HostLossKind.Disk, disk,
            partitions.Length == 0 ? $"disk {disk}" : $"disk {disk} ({string.Join(", ", partitions)})", _filesystems.On(disk));
    }

    private HostLoss Network(string name)
    {
        var addresses = _network.AddressesOf(name);
        return new HostLoss(HostLossKind.Network, name,
            addresses.Count == 0 ? $"network interface {name}" : $"network interface {name} ({string.Join(", ", addresses)})", _network.InUse(name));
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
        => _host.List("sys/devices/virtual/vtconsole").Any(console =>
            _host.ReadTrimmed($"sys/devices/virtual/vtconsole/{console}/name")?.Contains("frame buffer", StringComparison.Ordinal) == true
            && _host.ReadTrimmed($"sys/devices/virtual/vtconsole/{console}/bind") == "1");
}
