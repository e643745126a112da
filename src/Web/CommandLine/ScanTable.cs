using System.Globalization;
using Passthru.Core.Advice;
using Passthru.Core.Iommu;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;

namespace Passthru.Web.CommandLine;

/// <summary>
/// <c>scan</c> as text: one line per device, grouped, each starting with its group like the classic
/// iommu-groups shell loop (<c>IOMMU Group 8: 00:1b.0 Audio device [0403]: Intel ... [8086:293e] (rev 03)</c>,
/// the rest as <c>lspci -nn</c> prints it), then the driver and the verdict; a shared group's reasons
/// follow its devices. Every line names its group, so <c>grep "IOMMU Group 12:"</c> shows all of one.
/// </summary>
internal static class ScanTable
{
    public static void Write(HostSnapshot host, TextWriter output)
    {
        // lspci shows domains only when some device is outside domain 0.
        var withDomain = host.Devices.Any(d => d.Address.Domain != 0);
        foreach (var group in host.Groups)
        {
            var prefix = $"IOMMU Group {group.Number.ToString(CultureInfo.InvariantCulture)}: ";
            foreach (var device in host.MembersOf(group))
            {
                output.WriteLine(prefix + DeviceLine(host, device, withDomain));
            }

            foreach (var reason in group.SharedBecause)
            {
                output.WriteLine($"{prefix}shared: {reason.Explanation}");
            }
        }

        foreach (var device in host.Devices.Where(d => d.IommuGroup is null))
        {
            output.WriteLine("No IOMMU group: " + DeviceLine(host, device, withDomain));
        }

        var verdicts = host.Devices.Select(d => PassthroughAdvisor.Assess(host, d).Verdict).ToArray();
        var counts = Enum.GetValues<PassthroughVerdict>()
            .Select(v => $"{verdicts.Count(x => x == v).ToString(CultureInfo.InvariantCulture)} {Describe(v)}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{host.Groups.Count} IOMMU groups, {host.Devices.Count} devices: {string.Join(", ", counts)}."));
    }

    private static string DeviceLine(HostSnapshot host, PciDevice device, bool withDomain)
    {
        var verdict = PassthroughAdvisor.Assess(host, device).Verdict;
        var driver = device.Driver ?? "none";
        // An override that is not (yet) the driver is worth a look: a detach half done, or a device no driver took.
        var forced = device.DriverOverride is { } driverOverride && driverOverride != device.Driver ? $" (override {driverOverride})" : "";
        return $"{Lspci(device, withDomain)}  driver: {driver}{forced}  [{Describe(verdict)}]";
    }

    /// <summary>The device as <c>lspci -nn</c> prints it (pciutils' names.c: a missing name becomes "Device" or "Class").</summary>
    internal static string Lspci(PciDevice device, bool withDomain)
    {
        var a = device.Address;
        var slot = withDomain ? a.ToString() : string.Create(CultureInfo.InvariantCulture, $"{a.Bus:x2}:{a.Device:x2}.{a.Function:x1}");
        var classCode = device.ClassCode is { } c ? $"{c >> 8:x4}" : "????";
        var names = device.Names;
        var product = (names.Vendor, names.Device) switch
        {
            ({ } vendor, { } name) => $"{vendor} {name}",
            ({ } vendor, null) => $"{vendor} Device",
            _ => "Device",
        };
        var revision = device.Revision is { } r and not 0 ? $" (rev {r:x2})" : "";
        return $"{slot} {names.Class ?? "Class"} [{classCode}]: {product} [{device.IdPair}]{revision}";
    }

    /// <summary>The dashboard's words for a verdict (its badge).</summary>
    internal static string Describe(PassthroughVerdict verdict) => verdict switch
    {
        PassthroughVerdict.Ready => "ready for a guest",
        PassthroughVerdict.CanPassAlone => "can pass alone",
        PassthroughVerdict.BlockedByGroup => "blocked by group",
        _ => "not passable",
    };
}
