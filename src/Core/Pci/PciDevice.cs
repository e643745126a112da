using Passthru.Core.Pci;

namespace Passthru.Core.Pci;

/// <summary>
/// One PCI function as the scan found it. Fields the kernel did not expose, or that could not be
/// read (hot unplug, permissions), are null and explained in <see cref="Warnings"/>.
/// </summary>
public sealed record PciDevice
{
    public required PciAddress Address { get; init; }

    /// <summary>The resolved device directory relative to the host root, e.g. <c>sys/devices/pci0000:00/0000:00:08.1/0000:04:00.6</c>.</summary>
    public required string SysfsPath { get; init; }

    public ushort? VendorId { get; init; }
    public ushort? DeviceId { get; init; }
    public ushort? SubsystemVendorId { get; init; }
    public ushort? SubsystemDeviceId { get; init; }

    /// <summary>The 24-bit class code: base class, subclass, programming interface (<c>0x040300</c>).</summary>
    public uint? ClassCode { get; init; }
    public byte? Revision { get; init; }

    public required PciNames Names { get; init; }

    /// <summary>The bound driver's name, or null when no driver is bound.</summary>
    public string? Driver { get; init; }

    /// <summary>The driver forced by <c>driver_override</c>, or null when unset (the kernel reads back <c>(null)</c>).</summary>
    public string? DriverOverride { get; init; }

    public int? IommuGroup { get; init; }

    /// <summary>Bridges and ports between the root bus and this function, nearest to the root first.</summary>
    public required IReadOnlyList<PciAddress> ParentChain { get; init; }

    public bool IsBridge { get; init; }

    /// <summary>Other functions present in the same slot.</summary>
    public required IReadOnlyList<PciAddress> MultifunctionSiblings { get; init; }

    public bool? BootVga { get; init; }

    /// <summary>Reset methods the kernel can use (<c>flr</c>, <c>pm</c>, <c>bus</c>); empty when none.</summary>
    public required IReadOnlyList<string> ResetMethods { get; init; }

    public int? NumaNode { get; init; }

    public SriovInfo? Sriov { get; init; }

    /// <summary>What the host uses through this function: disks, network interfaces, DRM cards, sound cards.</summary>
    public required IReadOnlyList<HostInterface> HostInterfaces { get; init; }

    /// <summary>PCIe type and ACS, from config space; null when config could not be read.</summary>
    public PciConfigSpace? Config { get; init; }

    public required IReadOnlyList<string> Warnings { get; init; }

    /// <summary>
    /// Part of a multifunction device, as the kernel decides it: the header's multifunction bit,
    /// or any function but 0 (pci_scan_slot marks those multifunction whatever their header says).
    /// </summary>
    public bool IsMultifunction => Address.Function > 0 || Config?.IsMultifunction == true || MultifunctionSiblings.Count > 0;

    /// <summary>A function of the chipset (host bridge, ISA/LPC bridge, SMBus): never for a guest. Null for every other function.</summary>
    public ChipsetRole? ChipsetRole => IsBridge ? null : ChipsetFunction.RoleOf(ClassCode);

    public bool IsBoundToVfio => Driver is not null && VfioDrivers.IsVfio(Driver);

    /// <summary><c>[8086:293e]</c>, as lspci -nn prints IDs.</summary>
    public string IdPair => VendorId is { } v && DeviceId is { } d ? $"{v:x4}:{d:x4}" : "????:????";

    /// <summary>A short human name: the device's name from pci.ids, else the class name, else the IDs.</summary>
    public string DisplayName => Names.Device ?? Names.Class ?? IdPair;
}

/// <summary>Names from pci.ids; each null when the file lacks it.</summary>
/// <param name="ProgrammingInterface">The class's programming interface, e.g. "XHCI" for a USB controller.</param>
public sealed record PciNames(string? Vendor, string? Device, string? SubsystemVendor, string? Subsystem, string? Class, string? ProgrammingInterface = null);

public sealed record SriovInfo(int TotalVfs, int NumVfs, IReadOnlyList<PciAddress> VirtualFunctions, PciAddress? PhysicalFunction);

public enum HostInterfaceKind
{
    Block,
    Net,
    Drm,
    Sound,
}

/// <summary>A kernel device the host uses through a PCI function, e.g. <c>net/enp1s0</c>.</summary>
public sealed record HostInterface(HostInterfaceKind Kind, string Name)
{
    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}/{Name}";
}
