using System.Globalization;
using System.Net;
using Passthru.Core.Safety;

namespace Passthru.TestSupport;

/// <summary>
/// SYNTHETIC additions to a copy of a captured tree: the files and links a host of another layout (a
/// Proxmox bridge, a bond, LVM, ZFS, btrfs) has beside what the lab's guest had, written where and as
/// the kernel writes them (relative links into sys/devices, procfs' tables, udev's database). The
/// devices they hang on (the NICs, the disk) stay the captured ones.
/// </summary>
public static class HostLayouts
{
    /// <summary>/proc/self/mountinfo as on a real host, where /proc/self is a link to the reader's PID.</summary>
    public static void MountInfo(string tree, params string[] lines)
    {
        Write(tree, "proc/4242/mountinfo", string.Concat(lines.Select(l => l + "\n")));
        if (!Path.Exists(Path.Combine(tree, "proc/self")))
        {
            File.CreateSymbolicLink(Path.Combine(tree, "proc/self"), "4242");
        }
    }

    /// <summary>Replaces /proc/mounts.</summary>
    public static void Mounts(string tree, params string[] lines) => Write(tree, "proc/mounts", string.Concat(lines.Select(l => l + "\n")));

    /// <summary>Replaces /proc/swaps: its header and one partition line per device.</summary>
    public static void Swaps(string tree, params string[] devices)
        => Write(tree, "proc/swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
            + string.Concat(devices.Select(d => $"{d,-40}partition\t16380\t\t0\t\t-2\n")));

    /// <summary>A block device's <c>MAJ:MIN</c>, from its <c>dev</c> attribute.</summary>
    public static string DeviceNumber(string tree, string block) => File.ReadAllText(Path.Combine(tree, "sys/class/block", block, "dev")).Trim();

    /// <summary>/sys/dev/block/MAJ:MIN for every block device of the tree, as a real /sys has them (the lab's capture left them out).</summary>
    public static void DevBlockLinks(string tree)
    {
        foreach (var link in Directory.GetFileSystemEntries(Path.Combine(tree, "sys/class/block")))
        {
            var device = Real(tree, $"sys/class/block/{Path.GetFileName(link)}");
            Link(tree, $"sys/dev/block/{File.ReadAllText(Path.Combine(device, "dev")).Trim()}", device);
        }
    }

    /// <summary>
    /// A device-mapper or md device built on <paramref name="slaves"/> (partitions or disks of the tree):
    /// its directory under sys/devices/virtual/block with dev, dm/name, slaves/, the slaves' holders/ links
    /// back, its class/block and dev/block links.
    /// </summary>
    public static void VirtualBlockDevice(string tree, string name, string deviceNumber, string? mapperName, params string[] slaves)
    {
        var directory = $"sys/devices/virtual/block/{name}";
        Write(tree, $"{directory}/dev", deviceNumber + "\n");
        Directory.CreateDirectory(Path.Combine(tree, directory, "holders"));
        Directory.CreateDirectory(Path.Combine(tree, directory, "slaves"));
        if (mapperName is not null)
        {
            Write(tree, $"{directory}/dm/name", mapperName + "\n");
        }

        foreach (var slave in slaves)
        {
            var slaveDirectory = Real(tree, $"sys/class/block/{slave}");
            Link(tree, $"{directory}/slaves/{slave}", slaveDirectory);
            Link(tree, Path.GetRelativePath(tree, Path.Combine(slaveDirectory, "holders", name)), Path.Combine(tree, directory));
        }

        Link(tree, $"sys/class/block/{name}", Path.Combine(tree, directory));
        Link(tree, $"sys/dev/block/{deviceNumber}", Path.Combine(tree, directory));
    }

    /// <summary>The udev database entry of a block device, with the lines blkid's rules write and a few others udev keeps beside them.</summary>
    public static void UdevFilesystem(string tree, string block, string type, string label, string uuid)
        => Write(tree, $"run/udev/data/b{DeviceNumber(tree, block)}",
            $"S:disk/by-uuid/{uuid}\nS:disk/by-label/{label}\nW:12\nI:4176382\nE:ID_SERIAL=QEMU_HARDDISK_QM00001\n"
            + $"E:ID_FS_LABEL={label}\nE:ID_FS_LABEL_ENC={label}\nE:ID_FS_UUID={uuid}\nE:ID_FS_UUID_ENC={uuid}\nE:ID_FS_VERSION=5000\n"
            + $"E:ID_FS_TYPE={type}\nE:ID_FS_USAGE=filesystem\nG:systemd\nQ:systemd\nV:1\n");

    /// <summary>A btrfs filesystem's /sys/fs/btrfs/UUID/devices/ links to its member block devices.</summary>
    public static void BtrfsFilesystem(string tree, string uuid, params string[] members)
    {
        Write(tree, $"sys/fs/btrfs/{uuid}/label", "\n");
        foreach (var member in members)
        {
            Link(tree, $"sys/fs/btrfs/{uuid}/devices/{member}", Real(tree, $"sys/class/block/{member}"));
        }
    }

    /// <summary>A loop device (sys/devices/virtual/block/loopN) with its class and dev links.</summary>
    public static void LoopDevice(string tree, string name, string deviceNumber)
    {
        var directory = $"sys/devices/virtual/block/{name}";
        Write(tree, $"{directory}/dev", deviceNumber + "\n");
        Directory.CreateDirectory(Path.Combine(tree, directory, "holders"));
        Directory.CreateDirectory(Path.Combine(tree, directory, "slaves"));
        Link(tree, $"sys/class/block/{name}", Path.Combine(tree, directory));
        Link(tree, $"sys/dev/block/{deviceNumber}", Path.Combine(tree, directory));
    }

    /// <summary>A virtual network device (bridge, bond, vlan) under sys/devices/virtual/net, with its uevent's DEVTYPE and the directory its kind has.</summary>
    public static void VirtualNetDevice(string tree, string name, string devType, int ifIndex)
    {
        var directory = $"sys/devices/virtual/net/{name}";
        Write(tree, $"{directory}/uevent", $"DEVTYPE={devType}\nINTERFACE={name}\nIFINDEX={ifIndex.ToString(CultureInfo.InvariantCulture)}\n");
        Write(tree, $"{directory}/operstate", "up\n");
        if (devType == "bridge")
        {
            Write(tree, $"{directory}/bridge/stp_state", "0\n");
            Directory.CreateDirectory(Path.Combine(tree, directory, "brif"));
        }
        else if (devType == "bond")
        {
            Write(tree, $"{directory}/bonding/mode", "active-backup 1\n");
        }

        Link(tree, $"sys/class/net/{name}", Path.Combine(tree, directory));
    }

    /// <summary>
    /// <paramref name="lower"/> enslaved to <paramref name="master"/> (a bridge or bond): master and
    /// upper_ links, lower_ link back, and brport/ (with the bridge's brif/ link) or bonding_slave/.
    /// </summary>
    public static void Enslave(string tree, string lower, string master)
    {
        var lowerDirectory = Real(tree, $"sys/class/net/{lower}");
        var masterDirectory = Real(tree, $"sys/class/net/{master}");
        Link(tree, Path.GetRelativePath(tree, Path.Combine(lowerDirectory, "master")), masterDirectory);
        Stack(tree, lower, master);
        if (Directory.Exists(Path.Combine(masterDirectory, "bridge")))
        {
            Write(tree, Path.GetRelativePath(tree, Path.Combine(lowerDirectory, "brport/state")), "3\n");
            Link(tree, Path.GetRelativePath(tree, Path.Combine(masterDirectory, "brif", lower)), Path.Combine(lowerDirectory, "brport"));
        }
        else
        {
            Write(tree, Path.GetRelativePath(tree, Path.Combine(lowerDirectory, "bonding_slave/state")), "active\n");
        }
    }

    /// <summary><paramref name="upper"/> stacked on <paramref name="lower"/> without being its master (a VLAN): the upper_ and lower_ links.</summary>
    public static void Stack(string tree, string lower, string upper)
    {
        var lowerDirectory = Real(tree, $"sys/class/net/{lower}");
        var upperDirectory = Real(tree, $"sys/class/net/{upper}");
        Link(tree, Path.GetRelativePath(tree, Path.Combine(lowerDirectory, $"upper_{upper}")), upperDirectory);
        Link(tree, Path.GetRelativePath(tree, Path.Combine(upperDirectory, $"lower_{lower}")), lowerDirectory);
    }

    /// <summary>
    /// Replaces /proc/net/route: one line per route given as (interface, destination/prefix, gateway or null),
    /// in the kernel's format (host-order hex words).
    /// </summary>
    public static void Routes(string tree, params (string Interface, string Destination, string? Gateway)[] routes)
    {
        var lines = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT                                                       \n";
        foreach (var (name, destination, gateway) in routes)
        {
            var network = IPNetwork.Parse(destination);
            var mask = network.PrefixLength == 0 ? 0u : uint.MaxValue << (32 - network.PrefixLength);
            var flags = gateway is null ? 0x0001 : 0x0003;
            var maskBytes = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(maskBytes, mask);
            lines += $"{name}\t{Word(network.BaseAddress)}\t{(gateway is null ? "00000000" : Word(IPAddress.Parse(gateway)))}\t{flags:X4}\t0\t0\t100\t"
                + $"{Word(new IPAddress(maskBytes))}\t0\t0\t0\n";
        }

        Write(tree, "proc/net/route", lines);
    }

    /// <summary>Replaces /proc/net/fib_trie with the host's own IPv4 addresses as LOCAL entries (the part of the file the rules read).</summary>
    public static void LocalAddresses(string tree, params string[] addresses)
        => Write(tree, "proc/net/fib_trie", "Main:\n  +-- 0.0.0.0/0 3 0 5\nLocal:\n  +-- 0.0.0.0/0 3 0 5\n"
            + string.Concat(addresses.Select(a => $"     |-- {a}\n        /32 host LOCAL\n")));

    public static void Write(string tree, string relative, string content)
    {
        var path = Path.Combine(tree, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    /// <summary>A relative link at <paramref name="relative"/> to an absolute path inside the tree, as sysfs makes them.</summary>
    public static void Link(string tree, string relative, string target)
    {
        var path = Path.Combine(tree, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, Path.GetRelativePath(Path.GetDirectoryName(path)!, target));
    }

    /// <summary>The real directory a class link points to.</summary>
    public static string Real(string tree, string relative)
        => new DirectoryInfo(Path.Combine(tree, relative)).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.Combine(tree, relative);

    /// <summary>An IPv4 address as /proc/net/route prints it: the word in host order, its bytes the address in network order.</summary>
    private static string Word(IPAddress address) => BitConverter.ToUInt32(address.GetAddressBytes()).ToString("X8", CultureInfo.InvariantCulture);
}
