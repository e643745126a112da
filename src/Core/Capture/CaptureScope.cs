using System.Collections.Frozen;

namespace Passthru.Core.Capture;

/// <summary>
/// What a capture holds and what it leaves out, as data: the walker reads these lists, and the
/// manifest inside every archive repeats them, so whoever opens a bug report knows what they have.
/// The rule: what Passthru reads under the host root (and what lspci's sysfs backend reads, so
/// <c>lspci -A linux-sysfs</c> works on the unpacked tree), by an allowlist. Nothing is read just
/// because it is there: some sysfs files act when read, and anything else is not ours to send.
/// </summary>
public static class CaptureScope
{
    /// <summary>
    /// Files read in each PCI function's directory. Passthru's device reader (PciDeviceReader: IDs,
    /// class, config space, driver_override, reset methods, SR-IOV, NUMA, boot VGA), the interrupt
    /// mapper (<c>irq</c>, <c>msi_irqs/</c>), and lspci (<c>resource</c> is the BAR table as text,
    /// <c>modalias</c> for "Kernel modules", <c>label</c>/<c>index</c>/<c>acpi_index</c> for slot names).
    /// Every symlink in the directory is kept too (driver, iommu_group, subsystem, physfn, virtfn*, ...):
    /// a readlink has no side effect.
    /// </summary>
    internal static readonly FrozenSet<string> PciFunctionFiles = FrozenSet.ToFrozenSet(
    [
        "vendor", "device", "subsystem_vendor", "subsystem_device", "class", "revision", "config",
        "boot_vga", "numa_node", "driver_override", "reset_method", "sriov_totalvfs", "sriov_numvfs", "irq",
        "resource", "modalias", "label", "index", "acpi_index",
    ], StringComparer.Ordinal);

    /// <summary>The procfs files Passthru reads: the checks (cmdline, cpuinfo, interrupts) and the host-use rules (swaps, routes, input devices).</summary>
    internal static readonly IReadOnlyList<string> ProcFiles =
        ["cmdline", "cpuinfo", "interrupts", "version", "swaps", "net/route", "net/ipv6_route", "net/if_inet6", "net/fib_trie", "bus/input/devices"];

    /// <summary>The udev properties blkid writes that the host-use rules read (ZFS pool members by label); the rest stays out.</summary>
    internal static readonly IReadOnlyList<string> UdevKeys = ["E:ID_FS_TYPE=", "E:ID_FS_LABEL=", "E:ID_FS_UUID="];

    /// <summary>The host classes whose members tell what the host uses through a PCI function (HostInterfaceIndex).</summary>
    internal static readonly IReadOnlyList<string> HostInterfaceClasses = ["block", "net", "drm", "sound"];

    /// <summary>What the archive holds, in words, for the manifest.</summary>
    public static IReadOnlyList<string> Included { get; } =
    [
        "sys/bus/pci/devices/* (links) and each PCI function's directory under sys/devices: " +
            string.Join(", ", PciFunctionFiles.Order(StringComparer.Ordinal)) + ", msi_irqs/, and every symlink in it",
        "sys/bus/pci/drivers/*/ (their device and module links), sys/bus/pci/slots/*/address",
        "sys/kernel/iommu_groups/N/{type,reserved_regions,devices/}",
        "sys/class/{iommu,block,net,drm,sound,vtconsole}/* (links) and the directories they point to; of block devices " +
            "partition, dev, holders/, slaves/ and dm/name; of network interfaces the master, upper_* and lower_* links, the " +
            "bridge/, bonding/, brport/ and bonding_slave/ directories (empty) and uevent's DEVTYPE line; of consoles name and bind",
        "sys/dev/block/* (links from device numbers to block devices), sys/fs/btrfs/*/devices/* (links to each filesystem's devices)",
        "run/udev/data/b* (block devices' entries): only their " + string.Join(", ", UdevKeys.Select(k => k[2..^1])) + " lines",
        "sys/module/vfio*/ with parameters/, sys/fs/selinux/enforce",
        "proc/" + string.Join(", proc/", ProcFiles) + ", the lines of proc/mounts whose source is a /dev/ device, and the lines of " +
            "proc/self/mountinfo (stored there, without the PID) of block devices, ZFS and btrfs",
        "etc/os-release (a link is kept, with its target), usr/lib/os-release, the pci.ids Passthru uses under the host root",
        "empty placeholders, with their modes: dev/vfio/* (the group nodes), usr/sbin/proxmox-boot-tool; the directory etc/pve, empty",
    ];

    /// <summary>What the archive never holds, and why, for the manifest and the README.</summary>
    public static IReadOnlyList<string> Excluded { get; } =
    [
        "resource0..N, resource*_wc, rom: BAR and ROM contents; reading an I/O BAR does port I/O on the device, and the ROM must be enabled to read",
        "vpd: reading it talks to the device's VPD engine, which is slow and hangs on some cards",
        "reset, remove, rescan, bind, unbind, new_id, remove_id, drivers_probe, driver_override writes: write-only or acting files; nothing is ever written",
        "everything else in a device's directory (power/, link/, statistics, a NIC's address, a display's EDID, USB serial numbers): not read by Passthru",
        "dev/vfio/*: recreated as empty files, never opened (opening a group node claims the group)",
        "etc/pve: only its presence (it holds the Proxmox cluster's keys); proc/PID, environ, /etc/shadow, keys: never read",
        "proc/mounts and mountinfo lines of network and virtual file systems (servers and user names): the host-use rules match only block devices, ZFS and btrfs",
        "the rest of udev's database (serial numbers, device paths, other properties), and other directories' contents under sys/fs/btrfs",
    ];
}
