using Passthru.Core.Host;
using Passthru.Core.Pci;

namespace Passthru.Core.Scanning;

/// <summary>Reads one PCI function's sysfs directory into a <see cref="PciDevice"/>.</summary>
internal sealed class PciDeviceReader(HostRoot root, PciIds ids)
{
    internal const string DevicesDirectory = "sys/bus/pci/devices";

    /// <summary>
    /// How deep below a function to look for the disks, interfaces and cards the host uses through
    /// it. A SATA disk sits at <c>ata1/host0/target0:0:0/0:0:0:0/block/sda</c>: six levels.
    /// </summary>
    private const int HostInterfaceSearchDepth = 7;

    /// <summary>Reads the device, or returns null if it vanished before its directory could be resolved.</summary>
    public PciDevice? Read(PciAddress address)
    {
        var warnings = new List<string>();
        var realPath = root.RealPath($"{DevicesDirectory}/{address}");
        if (realPath is null || !Directory.Exists(realPath))
        {
            return null;
        }

        var dir = new SysfsDirectory(realPath, warnings);
        var relativePath = root.ToRelative(realPath);
        var vendor = (ushort?)dir.ReadHex("vendor", expected: true);
        var device = (ushort?)dir.ReadHex("device", expected: true);
        var subVendor = (ushort?)dir.ReadHex("subsystem_vendor");
        var subDevice = (ushort?)dir.ReadHex("subsystem_device");
        var classCode = dir.ReadHex("class", expected: true);
        var revision = (byte?)dir.ReadHex("revision");
        var configBytes = dir.ReadBytes("config");
        var config = configBytes is null ? null : PciConfigSpace.Parse(configBytes);
        if (configBytes is { Length: < 256 })
        {
            warnings.Add($"config: only {configBytes.Length} bytes readable (not root?): PCIe type and ACS unknown");
        }

        return new PciDevice
        {
            Address = address,
            SysfsPath = relativePath,
            VendorId = vendor,
            DeviceId = device,
            SubsystemVendorId = subVendor,
            SubsystemDeviceId = subDevice,
            ClassCode = classCode,
            Revision = revision,
            Names = Names(vendor, device, subVendor, subDevice, classCode),
            Driver = dir.ReadLinkName("driver"),
            DriverOverride = ReadDriverOverride(dir),
            IommuGroup = ReadIommuGroup(dir, warnings),
            ParentChain = ParentChain(relativePath, address),
            IsBridge = IsBridge(config, classCode),
            MultifunctionSiblings = [],
            BootVga = dir.ReadText("boot_vga") is { } bootVga ? bootVga == "1" : null,
            ResetMethods = dir.ReadText("reset_method")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [],
            NumaNode = dir.ReadInt("numa_node"),
            Sriov = ReadSriov(dir),
            HostInterfaces = FindHostInterfaces(realPath),
            Config = config,
            Warnings = warnings,
        };
    }

    private PciNames Names(ushort? vendor, ushort? device, ushort? subVendor, ushort? subDevice, uint? classCode)
    {
        string? deviceName = null, subsystemName = null;
        if (vendor is { } v && device is { } d)
        {
            deviceName = ids.DeviceName(v, d);
            if (subVendor is { } sv && subDevice is { } sd)
            {
                subsystemName = ids.SubsystemName(v, d, sv, sd);
            }
        }

        return new PciNames(
            vendor is { } vendorId ? ids.VendorName(vendorId) : null,
            deviceName,
            subVendor is { } subVendorId ? ids.VendorName(subVendorId) : null,
            subsystemName,
            classCode is { } c ? ids.ClassName(c) : null);
    }

    private static string? ReadDriverOverride(SysfsDirectory dir)
    {
        var text = dir.ReadText("driver_override");
        return text is null or "(null)" or "" ? null : text;
    }

    private static int? ReadIommuGroup(SysfsDirectory dir, List<string> warnings)
    {
        var name = dir.ReadLinkName("iommu_group");
        if (name is null)
        {
            return null;
        }

        if (int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var group))
        {
            return group;
        }

        warnings.Add($"iommu_group: link to '{name}' is not a group number");
        return null;
    }

    /// <summary>PCI addresses among the path's segments, below the root bus (<c>pci0000:00</c>) and above the device itself.</summary>
    internal static IReadOnlyList<PciAddress> ParentChain(string relativePath, PciAddress self)
    {
        var chain = new List<PciAddress>();
        foreach (var segment in relativePath.Split('/'))
        {
            if (PciAddress.TryParse(segment, out var address) && segment.Length == 12 && address != self)
            {
                chain.Add(address);
            }
        }

        return chain;
    }

    private static bool IsBridge(PciConfigSpace? config, uint? classCode)
    {
        if (config?.HeaderType is { } headerType)
        {
            return headerType is 1 or 2;
        }

        // Without config space: class 06 (bridge), subclass 04 (PCI-to-PCI), 07 (CardBus), 09 (semi-transparent).
        return classCode is { } c && (c >> 16) == 0x06 && ((c >> 8) & 0xff) is 0x04 or 0x07 or 0x09;
    }

    private static SriovInfo? ReadSriov(SysfsDirectory dir)
    {
        var total = dir.ReadInt("sriov_totalvfs");
        var physicalFunction = PciAddress.TryParse(dir.ReadLinkName("physfn"), out var pf) ? pf : (PciAddress?)null;
        if (total is null && physicalFunction is null)
        {
            return null;
        }

        var virtualFunctions = dir.List("virtfn*")
            .Select(dir.ReadLinkName)
            .Select(name => PciAddress.TryParse(name, out var vf) ? vf : (PciAddress?)null)
            .OfType<PciAddress>()
            .Order()
            .ToArray();
        return new SriovInfo(total ?? 0, dir.ReadInt("sriov_numvfs") ?? 0, virtualFunctions, physicalFunction);
    }

    /// <summary>
    /// Finds class devices below the function whose <c>subsystem</c> link names block, net, drm or
    /// sound: <c>net/enp1s0</c>, <c>virtio2/block/vda</c>, <c>nvme/nvme0/nvme0n1</c>, <c>sound/card0</c>.
    /// Child PCI functions (behind a bridge) are devices of their own and are not searched.
    /// </summary>
    private static IReadOnlyList<HostInterface> FindHostInterfaces(string devicePath)
    {
        var found = new List<HostInterface>();
        Search(new DirectoryInfo(devicePath), 0);
        return found;

        void Search(DirectoryInfo dir, int depth)
        {
            IEnumerable<DirectoryInfo> children;
            try
            {
                children = dir.EnumerateDirectories().ToArray();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return;
            }

            foreach (var child in children)
            {
                if (child.LinkTarget is not null || PciAddress.TryParse(child.Name, out _))
                {
                    continue;
                }

                var kind = SubsystemKind(child);
                if (kind is { } k)
                {
                    // A partition (sda1) is part of its disk; the disk is what the host uses.
                    if (k != HostInterfaceKind.Block || !File.Exists(Path.Combine(child.FullName, "partition")))
                    {
                        found.Add(new HostInterface(k, child.Name));
                    }
                }
                else if (depth < HostInterfaceSearchDepth)
                {
                    Search(child, depth + 1);
                }
            }
        }
    }

    private static HostInterfaceKind? SubsystemKind(DirectoryInfo dir)
    {
        // Read the link's text, not its target: in a captured tree the class directories it points to are absent.
        string? target;
        try
        {
            target = new FileInfo(Path.Combine(dir.FullName, "subsystem")).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }

        return Path.GetFileName(target) switch
        {
            "block" => HostInterfaceKind.Block,
            "net" => HostInterfaceKind.Net,
            "drm" => HostInterfaceKind.Drm,
            "sound" => HostInterfaceKind.Sound,
            _ => null,
        };
    }
}
