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

    public HostRoot Root => root;

    public HostSnapshot Scan()
    {
        var warnings = new List<string>();
        var reader = new PciDeviceReader(root, ids);
        var devices = new List<PciDevice>();
        foreach (var address in ListAddresses(warnings))
        {
            var device = reader.Read(address);
            if (device is null)
            {
                warnings.Add($"{address}: disappeared during the scan (hot unplug or removal).");
                continue;
            }

            devices.Add(device);
            warnings.AddRange(device.Warnings.Select(w => $"{address}: {w}"));
        }

        devices = WithSiblings(devices);
        var byAddress = devices.ToDictionary(d => d.Address);
        var isolation = IsolationAnalyzer.Analyze(devices);
        var groups = ReadGroups(byAddress, isolation, warnings);
        var facts = HostFacts.Read(root, groups.Count, warnings);
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

    private IEnumerable<PciAddress> ListAddresses(List<string> warnings)
    {
        var entries = new SysfsDirectory(root.Resolve(PciDeviceReader.DevicesDirectory), warnings).List();
        var addresses = new List<PciAddress>(entries.Count);
        foreach (var entry in entries)
        {
            // Only canonical DDDD:BB:DD.F names are devices; anything else in the directory is ignored, not trusted.
            if (entry.Length == 12 && PciAddress.TryParse(entry, out var address))
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

    private List<IommuGroup> ReadGroups(Dictionary<PciAddress, PciDevice> devices, IsolationAnalyzer isolation, List<string> warnings)
    {
        var groups = new List<IommuGroup>();
        foreach (var name in new SysfsDirectory(root.Resolve(GroupsDirectory), warnings).List())
        {
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                continue;
            }

            var groupDir = new SysfsDirectory(root.Resolve($"{GroupsDirectory}/{name}"), warnings);
            var members = new SysfsDirectory(Path.Combine(groupDir.Path, "devices"), warnings).List()
                .Select(entry => PciAddress.TryParse(entry, out var a) && entry.Length == 12 ? a : (PciAddress?)null)
                .OfType<PciAddress>()
                .Order()
                .ToArray();
            var memberDevices = members.Select(devices.GetValueOrDefault).OfType<PciDevice>().ToArray();
            groups.Add(new IommuGroup
            {
                Number = number,
                Type = groupDir.ReadText("type"),
                Members = members,
                SharedBecause = isolation.ReasonsFor(members),
                IsViable = Viability.IsViableNow(memberDevices),
            });
        }

        groups.Sort((a, b) => a.Number.CompareTo(b.Number));
        return groups;
    }
}
