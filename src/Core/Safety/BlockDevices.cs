using System.Collections.Concurrent;

namespace Passthru.Core.Safety;

/// <summary>
/// The host's block devices as sysfs links them: which device a device number or a /dev path names,
/// what a device is built on (its <c>slaves/</c>: LVM, dm-crypt, md, multipath), which disk a partition
/// is on, and what is built on a disk (its partitions and their <c>holders/</c>). Answers are kept: one
/// instance reads one moment of the host, and a page asks about every disk against every mount. The
/// caches take concurrent readers, as HostUsage did when it read everything up front.
/// </summary>
internal sealed class BlockDevices(HostReader host)
{
    /// <summary>Deeper than any real stack (dm-crypt on LVM on md on partitions is four); a loop in a damaged tree ends here.</summary>
    private const int MaxDevices = 64;

    private Dictionary<string, string>? _byNumber;
    private Dictionary<string, string>? _byMapperName;
    private IReadOnlyList<(string Target, string Name)>? _classLinks;
    private readonly ConcurrentDictionary<string, string?> _names = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyList<(string Disk, IReadOnlyList<string> Members)>> _disks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyList<(string Kernel, string? Mapper)>> _above = new(StringComparer.Ordinal);

    /// <summary>
    /// The device at a device number (<c>254:1</c> → <c>vda1</c>): /sys/dev/block/MAJ:MIN links to its
    /// directory; where that link is missing (a capture without it), each device's <c>dev</c> attribute.
    /// </summary>
    public string? NameOf(string deviceNumber)
    {
        if (!MountTable.IsDeviceNumber(deviceNumber))
        {
            return null;
        }

        if (!_names.TryGetValue(deviceNumber, out var name))
        {
            _names[deviceNumber] = name = host.RealDirectory($"sys/dev/block/{deviceNumber}") is { } directory
                && Path.GetFileName(directory) is { } linked && HostReader.IsName(linked)
                    ? linked
                    : ByNumber().GetValueOrDefault(deviceNumber);
        }

        return name;
    }

    /// <summary>
    /// The device a mount source or swap file names: <c>/dev/NAME</c> when NAME is a block device, or
    /// <c>/dev/mapper/NAME</c> by its device-mapper name. Others (<c>/dev/root</c>, <c>/dev/disk/by-uuid/…</c>,
    /// <c>/dev/VG/LV</c>) are links in /dev that only the device number resolves.
    /// </summary>
    public string? NameOfPath(string path)
    {
        if (path.StartsWith("/dev/mapper/", StringComparison.Ordinal))
        {
            return ByMapperName().GetValueOrDefault(path["/dev/mapper/".Length..]);
        }

        return path.StartsWith("/dev/", StringComparison.Ordinal) && path[5..] is var name && HostReader.IsName(name) && host.IsDirectory($"sys/class/block/{name}")
            ? name
            : null;
    }

    /// <summary>
    /// The disks a device sits on, each with the devices of the stack that lie on it (a partition, or the
    /// disk itself): <c>dm-0</c> on <c>sda3</c> gives (sda, [sda3]); an md mirror of sda1 and sdb1 gives both disks.
    /// </summary>
    public IReadOnlyList<(string Disk, IReadOnlyList<string> Members)> DisksUnder(string name)
    {
        if (_disks.TryGetValue(name, out var known))
        {
            return known;
        }

        var bottom = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { name };
        var queue = new Queue<string>([name]);
        while (queue.TryDequeue(out var device))
        {
            var slaves = host.List($"sys/class/block/{device}/slaves").Where(HostReader.IsName).Order(StringComparer.Ordinal).ToArray();
            if (slaves.Length == 0)
            {
                bottom.Add(device);
            }

            foreach (var slave in slaves.Where(s => seen.Count < MaxDevices && seen.Add(s)))
            {
                queue.Enqueue(slave);
            }
        }

        return _disks[name] = bottom.GroupBy(DiskOf, StringComparer.Ordinal)
            .Select(members => (members.Key, (IReadOnlyList<string>)members.ToArray()))
            .ToArray();
    }

    /// <summary>The disk a partition is on (the directory its own lies in), or the device itself.</summary>
    public string DiskOf(string name)
        => host.Read($"sys/class/block/{name}/partition") is not null
            && host.RealDirectory($"sys/class/block/{name}") is { } directory
            && Path.GetFileName(Path.GetDirectoryName(directory)) is { } disk && HostReader.IsName(disk)
                ? disk
                : name;

    /// <summary>A disk's own name, its partitions, and what stacks on them (LVM, dm-crypt, md), each with its device-mapper name.</summary>
    public IReadOnlyList<(string Kernel, string? Mapper)> NamesAbove(string disk)
    {
        if (_above.TryGetValue(disk, out var known))
        {
            return known;
        }

        _classLinks ??= host.List("sys/class/block").Select(name => (host.LinkTarget($"sys/class/block/{name}") ?? "", name)).ToArray();
        var names = new List<(string Kernel, string? Mapper)> { (disk, null) };
        names.AddRange(_classLinks.Where(l => l.Target.Contains($"/{disk}/", StringComparison.Ordinal)).Select(l => (l.Name, (string?)null)));
        for (var i = 0; i < names.Count && i < MaxDevices; i++)
        {
            foreach (var holder in host.List($"sys/class/block/{names[i].Kernel}/holders").Where(HostReader.IsName))
            {
                if (names.All(n => n.Kernel != holder))
                {
                    names.Add((holder, host.ReadTrimmed($"sys/class/block/{holder}/dm/name")));
                }
            }
        }

        return _above[disk] = names;
    }

    /// <summary>Every block device by its <c>dev</c> attribute (<c>MAJ:MIN</c>), read once when first needed.</summary>
    public IReadOnlyDictionary<string, string> ByNumber()
        => _byNumber ??= host.List("sys/class/block")
            .Where(HostReader.IsName)
            .Select(name => (Name: name, Number: host.ReadTrimmed($"sys/class/block/{name}/dev")))
            .Where(d => d.Number is not null && MountTable.IsDeviceNumber(d.Number))
            .DistinctBy(d => d.Number, StringComparer.Ordinal)
            .ToDictionary(d => d.Number!, d => d.Name, StringComparer.Ordinal);

    private Dictionary<string, string> ByMapperName()
        => _byMapperName ??= host.List("sys/class/block")
            .Where(HostReader.IsName)
            .Select(name => (Name: name, Mapper: host.ReadTrimmed($"sys/class/block/{name}/dm/name")))
            .Where(d => !string.IsNullOrEmpty(d.Mapper))
            .DistinctBy(d => d.Mapper, StringComparer.Ordinal)
            .ToDictionary(d => d.Mapper!, d => d.Name, StringComparer.Ordinal);
}
