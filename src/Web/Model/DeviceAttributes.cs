using System.Globalization;
using Passthru.Core.Pci;

namespace Passthru.Web.Model;

/// <summary>Every attribute of a device as the device page lists them: name and value, in the order a person looks for them.</summary>
public static class DeviceAttributes
{
    public static IEnumerable<(string Name, string Value)> Of(PciDevice d)
    {
        yield return ("Address", d.Address.ToString());
        yield return ("Vendor:device", $"[{d.IdPair}]");
        yield return ("Subsystem", d.SubsystemVendorId is { } sv && d.SubsystemDeviceId is { } sd
            ? $"[{sv:x4}:{sd:x4}] {d.Names.SubsystemVendor} {d.Names.Subsystem}".TrimEnd() : "unknown");
        yield return ("Class", d.ClassCode is { } c
            ? $"{c:x6} {d.Names.Class}{(d.Names.ProgrammingInterface is { } progIf ? $" ({progIf})" : "")}"
            : "unknown");
        yield return ("Revision", d.Revision is { } r ? $"{r:x2}" : "unknown");
        yield return ("Driver", d.Driver ?? "none");
        yield return ("driver_override", d.DriverOverride ?? "unset");
        yield return ("IOMMU group", d.IommuGroup?.ToString(CultureInfo.InvariantCulture) ?? "none");
        yield return ("Kind", d.IsBridge ? "bridge or port" : d.ChipsetRole is not null ? "chipset function" : "endpoint");
        yield return ("PCIe type", d.Config?.DeviceType?.ToString() ?? (d.Config is { CapabilitiesKnown: true } ? "conventional PCI" : "unknown"));
        yield return ("ACS", Acs(d));
        yield return ("Upstream path", d.ParentChain.Count == 0 ? "root bus" : string.Join(" → ", d.ParentChain));
        yield return ("Other functions in slot", d.MultifunctionSiblings.Count == 0 ? "none" : string.Join(", ", d.MultifunctionSiblings));
        yield return ("Boot VGA", d.BootVga switch { true => "yes", false => "no", null => "n/a" });
        yield return ("Reset methods", d.ResetMethods.Count == 0 ? "none" : string.Join(", ", d.ResetMethods));
        yield return ("NUMA node", d.NumaNode?.ToString(CultureInfo.InvariantCulture) ?? "unknown");
        if (d.Sriov is { } sriov)
        {
            yield return ("SR-IOV", sriov.PhysicalFunction is { } pf
                ? $"virtual function of {pf}"
                : $"{sriov.NumVfs} of {sriov.TotalVfs} VFs enabled{(sriov.VirtualFunctions.Count > 0 ? ": " + string.Join(", ", sriov.VirtualFunctions) : "")}");
        }

        yield return ("sysfs", "/" + d.SysfsPath);
    }

    private static string Acs(PciDevice device) => device.Config switch
    {
        null => "unknown (config space unreadable)",
        { CapabilitiesKnown: false } => "unknown (config space only partly readable: run as root)",
        { IsPciExpress: false } => "none (conventional PCI)",
        { ExtendedCapabilitiesKnown: false } => "unknown (extended config space unreadable)",
        { Acs: null } => "no ACS capability",
        { Acs: { } acs } => acs.IsolationEnabled ? $"enabled ({acs.Enabled})" : $"present, missing {acs.MissingForIsolation}",
    };
}
