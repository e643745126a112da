namespace Passthru.Core.Safety;

/// <summary>
/// What the host has mounted and swapping on each disk. A mount is placed by its device number in
/// /proc/self/mountinfo, walked down through the device's <c>slaves/</c> to partitions and disks, so
/// that <c>/dev/root</c>, LVM, dm-crypt, md and multipath are found whatever the source says; where
/// mountinfo is missing (older captures hold only /proc/mounts), by the source's name. ZFS pools and
/// btrfs filesystems, which span devices, are <see cref="PooledFilesystems"/>.
/// </summary>
internal sealed class MountedFilesystems
{
    private readonly BlockDevices _blocks;
    private readonly IReadOnlyList<Mount> _mounts;
    private readonly IReadOnlySet<string> _swaps;
    private readonly PooledFilesystems _pooled;

    private MountedFilesystems(BlockDevices blocks, IReadOnlyList<Mount> mounts, IReadOnlySet<string> swaps, PooledFilesystems pooled)
    {
        _blocks = blocks;
        _mounts = mounts;
        _swaps = swaps;
        _pooled = pooled;
    }

    public static MountedFilesystems Read(HostReader host, BlockDevices blocks)
    {
        var mountInfo = MountTable.ParseMountInfo(host.Read("proc/self/mountinfo"));
        var mounts = mountInfo.Count > 0 ? mountInfo : MountTable.ParseMounts(host.Read("proc/mounts"));
        return new MountedFilesystems(blocks, mounts, MountTable.ParseSwaps(host.Read("proc/swaps")), PooledFilesystems.Read(host, blocks, mounts));
    }

    /// <summary>Why the host needs this disk: each filesystem mounted from it or from what is built on it, and its active swap.</summary>
    public IReadOnlyList<string> On(string disk)
    {
        var above = _blocks.NamesAbove(disk);
        var inUse = new List<string>();
        foreach (var mount in _mounts.Where(m => !_pooled.Holds(m)))
        {
            var device = DeviceOf(mount);
            var members = device is null ? [] : MembersOn(device, disk);
            if (members.Count > 0)
            {
                inUse.Add($"{mount.Source}{Via(mount.Source, device!, members)} is mounted on {mount.MountPoint}");
            }
            else if (NamedIn(mount.Source, above))
            {
                // A capture without slaves/ (or without the device's link) still names it by its holder.
                inUse.Add($"{mount.Source} is mounted on {mount.MountPoint}");
            }
        }

        foreach (var swap in _swaps.Order(StringComparer.Ordinal))
        {
            var device = _blocks.NameOfPath(swap);
            var members = device is null ? [] : MembersOn(device, disk);
            if (NamedIn(swap, above) || members.Count > 0)
            {
                inUse.Add($"{swap}{(members.Count > 0 ? Via(swap, device!, members) : "")} is active swap");
            }
        }

        inUse.AddRange(_pooled.On(disk));
        return inUse.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The block device a mount comes from: by its device number (not for anonymous ones: tmpfs, btrfs, ZFS), else by its source.</summary>
    private string? DeviceOf(Mount mount)
        => (mount.Device is { } number && !MountTable.IsAnonymous(number) ? _blocks.NameOf(number) : null) ?? _blocks.NameOfPath(mount.Source);

    private IReadOnlyList<string> MembersOn(string device, string disk)
        => _blocks.DisksUnder(device).Where(d => d.Disk == disk).SelectMany(d => d.Members).ToArray();

    private static bool NamedIn(string source, IReadOnlyList<(string Kernel, string? Mapper)> names)
        => names.Any(n => source == $"/dev/{n.Kernel}" || (n.Mapper is not null && source == $"/dev/mapper/{n.Mapper}"));

    /// <summary>What the source does not say: the device it is (<c>/dev/root</c> is vda1) and what of this disk it lies on.</summary>
    private static string Via(string source, string device, IReadOnlyList<string> members)
    {
        var on = string.Join(", ", members);
        var named = source == $"/dev/{device}";
        return (named, members is [var only] && only == device) switch
        {
            (true, true) => "",
            (true, false) => $" (on {on})",
            (false, true) => $" ({device})",
            (false, false) => $" ({device} on {on})",
        };
    }
}
