using Passthru.Core.Checks;
using Passthru.Core.Iommu;
using Passthru.Core.Pci;

namespace Passthru.Core.Scanning;

/// <summary>Everything one scan found: devices, IOMMU groups, host checks and what could not be read.</summary>
public sealed record HostSnapshot
{
    private Dictionary<PciAddress, PciDevice>? _byAddress;

    public required DateTimeOffset ScannedAt { get; init; }

    /// <summary>Every PCI function, sorted by address.</summary>
    public required IReadOnlyList<PciDevice> Devices { get; init; }

    public required IReadOnlyList<IommuGroup> Groups { get; init; }
    public required HostFacts Facts { get; init; }
    public required IReadOnlyList<HostCheck> Checks { get; init; }

    /// <summary>Problems that did not stop the scan: vanished devices, unreadable attributes.</summary>
    public required IReadOnlyList<string> Warnings { get; init; }

    public string? PciIdsSource { get; init; }

    public KernelCommandLine CommandLine => Facts.CommandLine;

    public PciDevice? Find(PciAddress address)
        => (_byAddress ??= Devices.ToDictionary(d => d.Address)).GetValueOrDefault(address);

    public IommuGroup? FindGroup(int number) => Groups.FirstOrDefault(g => g.Number == number);

    public IommuGroup? GroupOf(PciDevice device) => device.IommuGroup is { } n ? FindGroup(n) : null;

    public IEnumerable<PciDevice> MembersOf(IommuGroup group) => group.Members.Select(Find).OfType<PciDevice>();

    /// <summary>
    /// Whether another scan shows the same devices in the same state: the same functions with the
    /// same IDs, drivers, overrides and groups. Live pages redraw their device lists only when not.
    /// </summary>
    public bool HasSameDevicesAs(HostSnapshot other)
    {
        if (Devices.Count != other.Devices.Count || Warnings.Count != other.Warnings.Count)
        {
            return false;
        }

        for (var i = 0; i < Devices.Count; i++)
        {
            var (a, b) = (Devices[i], other.Devices[i]);
            if (a.Address != b.Address || a.VendorId != b.VendorId || a.DeviceId != b.DeviceId || a.Driver != b.Driver
                || a.DriverOverride != b.DriverOverride || a.IommuGroup != b.IommuGroup)
            {
                return false;
            }
        }

        return true;
    }
}
