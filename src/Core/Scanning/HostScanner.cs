using System.Globalization;
using Passthru.Core.Checks;
using Passthru.Core.Host;
using Passthru.Core.Iommu;
using Passthru.Core.Pci;

namespace Passthru.Core.Scanning;

/// <summary>
/// Reads the host model from sysfs and procfs under a host root. Never fails as a whole on one
/// odd device: whatever cannot be read becomes a warning and an unknown field.
/// </summary>
public sealed class HostScanner(HostRoot root, PciIds ids, TimeProvider timeProvider)
{
    private const string GroupsDirectory = "sys/kernel/iommu_groups";

    private readonly KnownDevices _known = new();
    private HostFacts? _bootFacts;
    private long _scanCount;

    public HostRoot Root => root;

    /// <summary>One device's driver now, without a scan.</summary>
    public string? DriverOf(PciAddress address) => PciDeviceReader.DriverOf(root, address);

    /// <summary>How many scans this scanner has made: an operation makes one (see BindingServiceFixtureTests).</summary>
    public long ScanCount => Interlocked.Read(ref _scanCount);

    public HostSnapshot Scan()
    {
        Interlocked.Increment(ref _scanCount);
        var warnings = new List<string>();
        var reader = new PciDeviceReader(root, ids, HostInterfaceIndex.Read(root));
        var plans = ListAddresses(warnings).Select(address => Plan(reader, address)).ToArray();

        // Reading is bound by syscalls (a dozen small reads per device), not by the CPU: spread it over the cores.
        var read = new PciDevice?[plans.Length];
        Parallel.For(0, plans.Length, i => read[i] = Read(reader, plans[i]));

        var devices = new List<PciDevice>(plans.Length);
        for (var i = 0; i < plans.Length; i++)
        {
            if (read[i] is not { } device)
            {
                warnings.Add($"{plans[i].Address}: disappeared during the scan (hot unplug or removal).");
                continue;
            }

            devices.Add(device);
            warnings.AddRange(device.Warnings.Select(w => $"{device.Address}: {w}"));
        }

        _known.KeepOnly(devices.Select(d => d.Address).ToHashSet());
        devices = WithSiblings(devices);
        var isolation = IsolationAnalyzer.Analyze(devices);
        var groups = ReadGroups(devices, isolation, warnings);
        var facts = _bootFacts?.Refresh(root, groups.Count, warnings) ?? (_bootFacts = HostFacts.Read(root, groups.Count, warnings));
        return new HostSnapshot
        {
            ScannedAt = timeProvider.GetUtcNow(),
            Devices = devices,
            Groups = groups,
            Facts = facts,
            Checks = HostChecks.Evaluate(facts),
            Warnings = warnings,
            PciIdsSource = ids.SourcePath,
        };
    }

    /// <summary>How one device will be read: from what an earlier scan knew, or afresh. Serial: path resolution shares a cache.</summary>
    private DevicePlan Plan(PciDeviceReader reader, PciAddress address)
    {
        var link = ReadLink($"{PciDeviceReader.DevicesDirectory}/{address}");
        if (_known.Lookup(address, link) is { } known)
        {
            return new DevicePlan(address, link, known.Directory, known);
        }

        return new DevicePlan(address, link, reader.ResolveDirectory(address), null);
    }

    private PciDevice? Read(PciDeviceReader reader, DevicePlan plan)
    {
        if (plan.Directory is null)
        {
            return null;
        }

        if (plan.Known is { } known)
        {
            return reader.Refresh(known.Device, plan.Directory);
        }

        // The identity is taken before reading: if the directory is replaced meanwhile, the entry will not match next time.
        var hasIdentity = NativeFile.TryGetIdentity(plan.Directory, out var identity);
        var device = reader.Read(plan.Address, plan.Directory);
        if (hasIdentity && plan.Link is not null && device.VendorId is not null)
        {
            _known.Remember(plan.Address, plan.Link, plan.Directory, identity, device);
        }

        return device;
    }

    private string? ReadLink(string relativePath) => NativeFile.ReadLink(root.Resolve(relativePath));

    private sealed record DevicePlan(PciAddress Address, string? Link, string? Directory, KnownDevices.Entry? Known);

    private List<PciAddress> ListAddresses(List<string> warnings)
    {
        var entries = new SysfsDirectory(root.Resolve(PciDeviceReader.DevicesDirectory), warnings).List();
        var addresses = new List<PciAddress>(entries.Count);
        foreach (var entry in entries)
        {
            // Only canonical DDDD:BB:DD.F names are devices; anything else in the directory is ignored, not trusted.
            if (PciAddress.TryParseSysfsName(entry, out var address))
            {
                addresses.Add(address);
            }
            else
            {
                warnings.Add($"{PciDeviceReader.DevicesDirectory}/{entry}: not a PCI address, ignored.");
            }
        }

        addresses.Sort();
        return addresses;
    }

    private static List<PciDevice> WithSiblings(List<PciDevice> devices)
    {
        var bySlot = devices.ToLookup(d => (d.Address.Domain, d.Address.Bus, d.Address.Device));
        return devices
            .Select(d => d with
            {
                MultifunctionSiblings = bySlot[(d.Address.Domain, d.Address.Bus, d.Address.Device)]
                    .Where(s => s.Address != d.Address).Select(s => s.Address).ToArray(),
            })
            .ToList();
    }

    /// <summary>
    /// Groups as the devices' <c>iommu_group</c> links give them: the same membership as each
    /// group's <c>devices</c> directory, without listing it (that doubled the scan's time).
    /// Only the group's domain <c>type</c> is read from the group itself.
    /// </summary>
    private List<IommuGroup> ReadGroups(List<PciDevice> devices, IsolationAnalyzer isolation, List<string> warnings)
    {
        using var groupsDirectory = new SysfsDirectory(root.Resolve(GroupsDirectory), warnings);
        var groups = new List<IommuGroup>();
        foreach (var group in devices.Where(d => d.IommuGroup is not null).GroupBy(d => d.IommuGroup!.Value))
        {
            var members = group.OrderBy(d => d.Address).ToArray();
            var addresses = members.Select(d => d.Address).ToArray();
            groups.Add(new IommuGroup
            {
                Number = group.Key,
                Type = groupsDirectory.ReadText(group.Key.ToString(CultureInfo.InvariantCulture) + "/type"),
                Members = addresses,
                SharedBecause = isolation.ReasonsFor(addresses),
                IsViable = Viability.IsViableNow(members),
            });
        }

        groups.Sort((a, b) => a.Number.CompareTo(b.Number));
        return groups;
    }
}
