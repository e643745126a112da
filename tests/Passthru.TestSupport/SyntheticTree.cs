using System.Globalization;
using Passthru.Core.Pci;

namespace Passthru.TestSupport;

/// <summary>
/// SYNTHETIC host trees, for cases a real kernel will not produce on demand: files that vanish
/// mid-scan, no IOMMU, an AMD host's command line, unreadable config space. The layout follows
/// the captured real trees (sys/bus/pci/devices links into sys/devices/pci0000:00/...).
/// Everything else is tested on captured trees.
/// </summary>
public sealed class SyntheticTree : IDisposable
{
    public SyntheticTree()
    {
        Root = Scratch.NewPath("passthru-synthetic");
        Directory.CreateDirectory(Path("sys/bus/pci/devices"));
        Directory.CreateDirectory(Path("sys/kernel/iommu_groups"));
        Directory.CreateDirectory(Path("proc"));
        Directory.CreateDirectory(Path("etc"));
    }

    public string Root { get; }

    public string Path(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>Adds a PCI function at <paramref name="devicePath"/> (e.g. <c>pci0000:00/0000:00:1b.0</c>) with its attributes and links.</summary>
    public SyntheticTree AddDevice(string devicePath, ushort vendor, ushort device, uint classCode, string? driver = null,
        int? group = null, byte[]? config = null)
    {
        var address = System.IO.Path.GetFileName(devicePath);
        var dir = Path($"sys/devices/{devicePath}");
        Directory.CreateDirectory(dir);
        Write(dir, "vendor", $"0x{vendor:x4}");
        Write(dir, "device", $"0x{device:x4}");
        Write(dir, "subsystem_vendor", $"0x{vendor:x4}");
        Write(dir, "subsystem_device", $"0x{device:x4}");
        Write(dir, "class", $"0x{classCode:x6}");
        Write(dir, "revision", "0x01");
        Write(dir, "driver_override", "(null)");
        Write(dir, "numa_node", "-1");
        File.WriteAllBytes(System.IO.Path.Combine(dir, "config"), config ?? ConfigSpace.Endpoint(vendor, device));
        var depth = devicePath.Count(c => c == '/') + 2; // sys/devices/<path>
        var up = string.Concat(Enumerable.Repeat("../", depth));
        File.CreateSymbolicLink(Path($"sys/bus/pci/devices/{address}"), $"../../../devices/{devicePath}");
        if (driver is not null)
        {
            Directory.CreateDirectory(Path($"sys/bus/pci/drivers/{driver}"));
            File.CreateSymbolicLink(System.IO.Path.Combine(dir, "driver"), $"{up}bus/pci/drivers/{driver}");
        }

        if (group is { } g)
        {
            var groupDevices = Path($"sys/kernel/iommu_groups/{g.ToString(CultureInfo.InvariantCulture)}/devices");
            Directory.CreateDirectory(groupDevices);
            Write(System.IO.Path.GetDirectoryName(groupDevices)!, "type", "DMA");
            File.CreateSymbolicLink(System.IO.Path.Combine(dir, "iommu_group"), $"{up}kernel/iommu_groups/{g}");
            File.CreateSymbolicLink(System.IO.Path.Combine(groupDevices, address), $"../../../../devices/{devicePath}");
        }

        return this;
    }

    public SyntheticTree WithFile(string relative, string content)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path(relative))!);
        File.WriteAllText(Path(relative), content);
        return this;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static void Write(string dir, string name, string value) => File.WriteAllText(System.IO.Path.Combine(dir, name), value + "\n");
}

/// <summary>Builds config space images for synthetic devices, byte for byte as the PCIe spec lays them out.</summary>
public static class ConfigSpace
{
    /// <summary>A conventional endpoint: 256 bytes, no capabilities.</summary>
    public static byte[] Endpoint(ushort vendor, ushort device, bool multifunction = false)
    {
        var config = new byte[256];
        BitConverter.TryWriteBytes(config.AsSpan(0), vendor);
        BitConverter.TryWriteBytes(config.AsSpan(2), device);
        config[0x0e] = (byte)(multifunction ? 0x80 : 0x00);
        return config;
    }

    /// <summary>A PCIe function (4096 bytes) of the given type, with an ACS capability when <paramref name="acs"/> is given.</summary>
    public static byte[] Pcie(ushort vendor, ushort device, PcieDeviceType type, bool multifunction = false, AcsControl? acs = null, int headerType = 0)
    {
        var config = new byte[4096];
        BitConverter.TryWriteBytes(config.AsSpan(0), vendor);
        BitConverter.TryWriteBytes(config.AsSpan(2), device);
        config[0x06] = 0x10; // status: capability list present
        config[0x0e] = (byte)((multifunction ? 0x80 : 0x00) | headerType);
        config[0x34] = 0x40;
        config[0x40] = 0x10; // PCI Express capability, last in the list
        config[0x41] = 0x00;
        BitConverter.TryWriteBytes(config.AsSpan(0x42), (ushort)(((int)type << 4) | 0x2));
        if (acs is { } a)
        {
            // ACS extended capability at 0x100, version 1, no next.
            BitConverter.TryWriteBytes(config.AsSpan(0x100), 0x000d | (1u << 16));
            BitConverter.TryWriteBytes(config.AsSpan(0x104), (ushort)a.Capabilities);
            BitConverter.TryWriteBytes(config.AsSpan(0x106), (ushort)a.Enabled);
        }

        return config;
    }
}
