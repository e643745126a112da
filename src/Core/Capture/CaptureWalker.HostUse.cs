using System.Text;
using Passthru.Core.Host;
using Passthru.Core.Safety;

namespace Passthru.Core.Capture;

/// <summary>
/// What the host-use rules read beyond procfs' tables (HostUsage): how block devices stack (so a mount's
/// device number leads to its disks), how network interfaces stack (bridges, bonds, VLANs), and which
/// devices belong to a ZFS pool or a btrfs filesystem.
/// </summary>
internal sealed partial class CaptureWalker
{
    /// <summary>A disk's number, whether it is a partition, and what stacks on it and what it stacks on (LVM, dm-crypt, md), by name.</summary>
    private void BlockDevice(string directory)
    {
        CopyFiles(directory, ["partition", "dev"]);
        foreach (var stack in new[] { "holders", "slaves" })
        {
            if (Directory.Exists(root.Resolve($"{directory}/{stack}")))
            {
                tree.AddDirectory($"{directory}/{stack}");
                foreach (var link in List($"{directory}/{stack}").Where(e => e.IsLink))
                {
                    AddLink($"{directory}/{stack}/{link.Name}");
                }
            }
        }

        CopyFiles($"{directory}/dm", ["name"]);
    }

    /// <summary>
    /// What an interface is stacked on and under (master, upper_*, lower_* links), what kind it is or is a
    /// port of (the bridge/, bonding/, brport/, bonding_slave/ directories, empty) and its uevent's DEVTYPE.
    /// </summary>
    private void NetDevice(string directory)
    {
        foreach (var entry in List(directory))
        {
            if (entry.IsLink && (entry.Name == "master" || entry.Name.StartsWith("upper_", StringComparison.Ordinal) || entry.Name.StartsWith("lower_", StringComparison.Ordinal)))
            {
                AddLink($"{directory}/{entry.Name}");
            }
            else if (entry.IsDirectory && !entry.IsLink && entry.Name is "bridge" or "bonding" or "brport" or "bonding_slave")
            {
                tree.AddDirectory($"{directory}/{entry.Name}");
            }
        }

        CopyLines(directory, "uevent", line => line.StartsWith("DEVTYPE=", StringComparison.Ordinal));
    }

    /// <summary>
    /// /proc/self/mountinfo (stored there, the link to the PID followed), its lines of block devices, ZFS and
    /// btrfs only, as proc/mounts'; /sys/dev/block's links from device numbers to devices; udev's blkid
    /// properties of each block device; each btrfs filesystem's devices/ links.
    /// </summary>
    private void MountsByDevice()
    {
        if (ReadFollowingLinks("proc/self/mountinfo") is var (mountInfo, mode))
        {
            var local = Encoding.UTF8.GetString(mountInfo).Split('\n').Where(IsLocalMount).Select(line => line + "\n");
            tree.AddFile("proc/self/mountinfo", Encoding.UTF8.GetBytes(string.Concat(local)), mode);
        }

        foreach (var link in List("sys/dev/block").Where(e => e.IsLink))
        {
            AddLink($"sys/dev/block/{link.Name}");
        }

        foreach (var entry in List("run/udev/data").Where(e => !e.IsLink && !e.IsDirectory && e.Name.StartsWith('b') && MountTable.IsDeviceNumber(e.Name[1..])))
        {
            CopyLines("run/udev/data", entry.Name, line => CaptureScope.UdevKeys.Any(key => line.StartsWith(key, StringComparison.Ordinal)));
        }

        foreach (var filesystem in List("sys/fs/btrfs").Where(e => e.IsDirectory && !e.IsLink))
        {
            var devices = $"sys/fs/btrfs/{filesystem.Name}/devices";
            if (Directory.Exists(root.Resolve(devices)))
            {
                tree.AddDirectory(devices);
                foreach (var device in List(devices).Where(e => e.IsLink))
                {
                    AddLink($"{devices}/{device.Name}");
                }
            }
        }
    }

    /// <summary>A mount of a block device (a major number other than 0, or a /dev/ source), or of ZFS or btrfs: not a network share, whose source names a server and a user.</summary>
    private static bool IsLocalMount(string line)
        => MountTable.ParseMountInfo(line) is [var mount]
            && (mount.Source.StartsWith("/dev/", StringComparison.Ordinal) || mount.FsType is "zfs" or "btrfs"
                || (mount.Device is { } device && !MountTable.IsAnonymous(device)));

    /// <summary>A file with only the lines kept; not stored when it is absent or holds none.</summary>
    private void CopyLines(string directory, string name, Func<string, bool> keep)
    {
        using var handle = NativeFile.OpenDirectory(root.Resolve(directory), out _);
        if (handle.IsInvalid)
        {
            return;
        }

        var outcome = NativeFile.TryReadInto(handle, name, ref _buffer, out var length, out var errno);
        if (outcome == NativeFile.Outcome.Failed)
        {
            tree.Skip($"{directory}/{name}", NativeFile.Describe(errno));
        }
        else if (outcome == NativeFile.Outcome.Read)
        {
            var kept = Encoding.UTF8.GetString(_buffer, 0, length).Split('\n').Where(keep).ToArray();
            if (kept.Length > 0)
            {
                tree.AddFile($"{directory}/{name}", Encoding.UTF8.GetBytes(string.Concat(kept.Select(l => l + "\n"))), Mode(root.Resolve($"{directory}/{name}")));
            }
        }
    }
}
