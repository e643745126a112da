using System.IO.Enumeration;
using Passthru.Core.Host;
using Passthru.Core.Pci;

namespace Passthru.Core.Scanning;

/// <summary>
/// What the host uses through each PCI function, read the way udev does: every entry of
/// <c>sys/class/{block,net,drm,sound}</c> is a link into the device tree, and the last PCI address
/// on its path is the function it hangs off (<c>.../0000:01:00.0/net/enp1s0</c>,
/// <c>.../0000:00:05.0/virtio2/block/vda</c>, <c>.../0000:3d:00.0/nvme/nvme0/nvme0n1</c>).
/// A handful of readlinks instead of a walk of every device's subtree.
/// </summary>
internal static class HostInterfaceIndex
{
    private static readonly (string Class, HostInterfaceKind Kind)[] Classes =
    [
        ("block", HostInterfaceKind.Block),
        ("net", HostInterfaceKind.Net),
        ("drm", HostInterfaceKind.Drm),
        ("sound", HostInterfaceKind.Sound),
    ];

    public static IReadOnlyDictionary<PciAddress, IReadOnlyList<HostInterface>> Read(HostRoot root)
    {
        var index = new Dictionary<PciAddress, List<HostInterface>>();
        foreach (var (className, kind) in Classes)
        {
            var classDirectory = root.Resolve($"sys/class/{className}");
            foreach (var (name, target) in Links(classDirectory))
            {
                var segments = target.Split('/', StringSplitOptions.RemoveEmptyEntries);
                if (segments.Length < 2 || !IsWhole(kind, className, segments, root, Path.GetFullPath(Path.Combine(classDirectory, target)))
                    || PciAddress.LastInPath(target) is not { } address)
                {
                    continue;
                }

                if (!index.TryGetValue(address, out var list))
                {
                    index[address] = list = [];
                }

                list.Add(new HostInterface(kind, name));
            }
        }

        return index.ToDictionary(
            pair => pair.Key,
            pair => (IReadOnlyList<HostInterface>)pair.Value.OrderBy(i => i.Kind).ThenBy(i => i.Name, StringComparer.Ordinal).ToArray());
    }

    /// <summary>
    /// Whole devices only: a disk, not its partitions; a card, not its connectors or PCM streams
    /// (those live inside the card's own directory, so their parent is not the class directory).
    /// </summary>
    private static bool IsWhole(HostInterfaceKind kind, string className, string[] segments, HostRoot root, string devicePath)
        => kind == HostInterfaceKind.Block
            // Disks sit in a "block" directory or, for NVMe, in the controller's; a partition has a "partition" attribute.
            ? !(root.Contains(devicePath) && File.Exists(Path.Combine(devicePath, "partition")))
            : segments[^2] == className;

    private static List<(string Name, string Target)> Links(string directory)
    {
        try
        {
            // Class entries are links; the entry's own type says so, without a stat.
            var names = new FileSystemEnumerable<string>(directory, (ref FileSystemEntry entry) => entry.FileName.ToString())
            {
                ShouldIncludePredicate = (ref FileSystemEntry entry) => (entry.Attributes & FileAttributes.ReparsePoint) != 0,
            };
            var links = new List<(string, string)>();
            foreach (var name in names)
            {
                if (NativeFile.ReadLink(Path.Combine(directory, name)) is { } target)
                {
                    links.Add((name, target));
                }
            }

            return links;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
