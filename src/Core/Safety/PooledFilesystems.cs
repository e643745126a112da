namespace Passthru.Core.Safety;

/// <summary>
/// Filesystems that span devices and name none of them in their mounts: a ZFS pool, mounted by dataset
/// (<c>rpool/ROOT/pve-1</c>), whose members udev knows by their label (the pool's name); and a btrfs
/// filesystem, mounted from one member (<c>/dev/sdb1</c>) while <c>/sys/fs/btrfs/UUID/devices/</c> lists all.
/// Every member's disk is in use while the filesystem is mounted.
/// </summary>
internal sealed class PooledFilesystems
{
    /// <summary>Mount points named in a refusal before the rest are counted.</summary>
    private const int MountPointsShown = 3;

    private readonly BlockDevices _blocks;
    private readonly List<(string What, IReadOnlyList<string> Members, IReadOnlyList<string> MountPoints)> _filesystems = [];
    private readonly HashSet<Mount> _btrfsMounts = [];

    private PooledFilesystems(BlockDevices blocks) => _blocks = blocks;

    public static PooledFilesystems Read(HostReader host, BlockDevices blocks, IReadOnlyList<Mount> mounts)
    {
        var pooled = new PooledFilesystems(blocks);
        pooled.ReadZfs(host, mounts);
        pooled.ReadBtrfs(host, mounts);
        return pooled;
    }

    /// <summary>Whether a mount is of a btrfs filesystem this knows the members of (and names them all, the source among them).</summary>
    public bool Holds(Mount mount) => _btrfsMounts.Contains(mount);

    /// <summary>Why the host needs this disk: each mounted pool or filesystem one of its devices is a member of.</summary>
    public IReadOnlyList<string> On(string disk)
    {
        var inUse = new List<string>();
        foreach (var (what, members, mountPoints) in _filesystems)
        {
            foreach (var member in members)
            {
                var on = _blocks.DisksUnder(member).Where(d => d.Disk == disk).SelectMany(d => d.Members).ToArray();
                if (on.Length > 0)
                {
                    var name = on is [var only] && only == member ? member : $"{member} (on {string.Join(", ", on)})";
                    inUse.Add($"{name} is a member of {what} mounted on {List(mountPoints)}");
                }
            }
        }

        return inUse;
    }

    /// <summary>Pools by the datasets mounted (the pool is the name's first part); members by udev's <c>ID_FS_TYPE=zfs_member</c> and label.</summary>
    private void ReadZfs(HostReader host, IReadOnlyList<Mount> mounts)
    {
        var pools = mounts.Where(m => m.FsType == "zfs" && m.Source.Length > 0)
            .GroupBy(m => m.Source.Split('/', '@')[0], StringComparer.Ordinal)
            .Where(pool => pool.Key.Length > 0)
            .ToDictionary(pool => pool.Key, pool => pool.Select(m => m.MountPoint).Distinct(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
        if (pools.Count == 0)
        {
            return; // /run/udev/data holds a file per device: not read on a host without ZFS
        }

        var members = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var entry in host.List("run/udev/data").Where(e => e.StartsWith('b') && MountTable.IsDeviceNumber(e[1..])).Order(StringComparer.Ordinal))
        {
            var filesystem = UdevFilesystem.Parse(host.Read($"run/udev/data/{entry}"));
            if (filesystem is { Type: "zfs_member", Label: { } pool } && pools.ContainsKey(pool) && _blocks.ByNumber().GetValueOrDefault(entry[1..]) is { } device)
            {
                (members.TryGetValue(pool, out var list) ? list : members[pool] = []).Add(device);
            }
        }

        foreach (var (pool, devices) in members.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            _filesystems.Add(($"the ZFS pool {pool},", devices, pools[pool]));
        }
    }

    /// <summary>Filesystems by /sys/fs/btrfs/UUID/devices/; mounted when a btrfs mount's source or device number is one of their devices.</summary>
    private void ReadBtrfs(HostReader host, IReadOnlyList<Mount> mounts)
    {
        var btrfsMounts = mounts.Where(m => m.FsType == "btrfs").ToArray();
        if (btrfsMounts.Length == 0)
        {
            return;
        }

        foreach (var uuid in host.List("sys/fs/btrfs").Where(HostReader.IsName).Order(StringComparer.Ordinal))
        {
            var devices = host.List($"sys/fs/btrfs/{uuid}/devices").Where(HostReader.IsName).Order(StringComparer.Ordinal).ToArray();
            var mounted = btrfsMounts.Where(m => devices.Contains(_blocks.NameOfPath(m.Source))
                || (m.Device is { } number && !MountTable.IsAnonymous(number) && devices.Contains(_blocks.NameOf(number)))).ToArray();
            if (devices.Length > 0 && mounted.Length > 0)
            {
                _btrfsMounts.UnionWith(mounted);
                _filesystems.Add(("the btrfs filesystem", devices, mounted.Select(m => m.MountPoint).Distinct(StringComparer.Ordinal).ToArray()));
            }
        }
    }

    private static string List(IReadOnlyList<string> mountPoints)
        => mountPoints.Count <= MountPointsShown
            ? string.Join(", ", mountPoints)
            : $"{string.Join(", ", mountPoints.Take(MountPointsShown))} and {mountPoints.Count - MountPointsShown} more";
}
