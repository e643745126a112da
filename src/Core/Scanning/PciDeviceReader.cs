using Passthru.Core.Host;
using Passthru.Core.Pci;

namespace Passthru.Core.Scanning;

/// <summary>Reads one PCI function's sysfs directory into a <see cref="PciDevice"/>.</summary>
internal sealed class PciDeviceReader(HostRoot root, PciIds ids, IReadOnlyDictionary<PciAddress, IReadOnlyList<HostInterface>> hostInterfaces)
{
    internal const string DevicesDirectory = "sys/bus/pci/devices";

    private readonly Dictionary<string, string?> _resolvedPaths = [];

    /// <summary>The device's real directory, or null if it vanished. Not thread-safe (it shares a cache of resolved paths).</summary>
    public string? ResolveDirectory(PciAddress address)
        => root.RealPath($"{DevicesDirectory}/{address}", _resolvedPaths) is { } path && Directory.Exists(path) ? path : null;

    /// <summary>Reads the device from its resolved directory. Safe to call in parallel.</summary>
    public PciDevice Read(PciAddress address, string realPath)
    {
        var warnings = new List<string>();
        using var dir = new SysfsDirectory(realPath, warnings);
        var relativePath = root.ToRelative(realPath);
        var vendor = (ushort?)dir.ReadHex("vendor", expected: true, max: ushort.MaxValue);
        var device = (ushort?)dir.ReadHex("device", expected: true, max: ushort.MaxValue);
        var subVendor = (ushort?)dir.ReadHex("subsystem_vendor", max: ushort.MaxValue);
        var subDevice = (ushort?)dir.ReadHex("subsystem_device", max: ushort.MaxValue);
        var classCode = dir.ReadHex("class", expected: true, max: 0xffffff);
        var revision = (byte?)dir.ReadHex("revision", max: byte.MaxValue);
        var configBytes = dir.ReadBytes("config");
        var config = configBytes is null ? null : PciConfigSpace.Parse(configBytes);
        if (configBytes is { Length: < 256 })
        {
            warnings.Add($"config: only {configBytes.Length} bytes readable (not root?): PCIe type and ACS unknown");
        }

        var unchanging = new PciDevice
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
            IommuGroup = ReadIommuGroup(dir, warnings),
            ParentChain = ParentChain(relativePath, address),
            IsBridge = IsBridge(config, classCode),
            MultifunctionSiblings = [],
            BootVga = dir.ReadText("boot_vga") is { } bootVga ? bootVga == "1" : null,
            ResetMethods = [],
            NumaNode = dir.ReadInt("numa_node"),
            HostInterfaces = [],
            Config = config,
            Warnings = warnings,
        };
        return WithChangingState(unchanging, dir, readSriov: true);
    }

    /// <summary>One device's driver now, from its driver link alone: what a change needs to know afterwards, without a scan.</summary>
    public static string? DriverOf(HostRoot root, PciAddress address)
        => NativeFile.ReadLink(root.Resolve($"{DevicesDirectory}/{address}/driver")) is { } target ? Path.GetFileName(target) : null;

    /// <summary>
    /// Re-reads only what changes while a device stays in place: its driver, <c>driver_override</c>,
    /// <c>reset_method</c> (root may write it) and SR-IOV's enabled VFs. Identity, config space and
    /// position come from <paramref name="known"/>, read when the device's directory was created.
    /// </summary>
    public PciDevice Refresh(PciDevice known, string realPath)
    {
        var warnings = new List<string>();
        using var dir = new SysfsDirectory(realPath, warnings);
        var refreshed = WithChangingState(known, dir, readSriov: known.Sriov is not null);
        return warnings.Count == 0 ? refreshed : refreshed with { Warnings = [.. known.Warnings.Union(warnings)] };
    }

    /// <summary>The part of a device that changes while it stays in place, read for <see cref="Read"/> and <see cref="Refresh"/> alike.</summary>
    private PciDevice WithChangingState(PciDevice device, SysfsDirectory dir, bool readSriov) => device with
    {
        Driver = dir.ReadLinkName("driver"),
        DriverOverride = ReadDriverOverride(dir),
        ResetMethods = dir.ReadText("reset_method")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [],
        Sriov = readSriov ? ReadSriov(dir) : null,
        HostInterfaces = hostInterfaces.GetValueOrDefault(device.Address) ?? [],
    };

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
            classCode is { } c ? ids.ClassName(c) : null,
            classCode is { } p ? ids.ProgrammingInterfaceName(p) : null);
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
            if (PciAddress.TryParseSysfsName(segment, out var address) && address != self)
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
        var physicalFunction = PciAddress.TryParseSysfsName(dir.ReadLinkName("physfn"), out var pf) ? pf : (PciAddress?)null;
        if (total is null && physicalFunction is null)
        {
            return null;
        }

        var virtualFunctions = dir.List("virtfn")
            .Select(dir.ReadLinkName)
            .Select(name => PciAddress.TryParseSysfsName(name, out var vf) ? vf : (PciAddress?)null)
            .OfType<PciAddress>()
            .Order()
            .ToArray();
        return new SriovInfo(total ?? 0, dir.ReadInt("sriov_numvfs") ?? 0, virtualFunctions, physicalFunction);
    }
}
