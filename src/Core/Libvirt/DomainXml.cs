using System.Globalization;
using System.Xml.Linq;
using Passthru.Core.Pci;

namespace Passthru.Core.Libvirt;

/// <summary>What this dashboard reads from a domain's XML: its name, UUID, host PCI functions and the host bridges its interfaces use.</summary>
internal sealed record DomainDescription(string Name, Guid? Uuid, IReadOnlyList<GuestHostDevice> HostDevices, IReadOnlyList<string> Warnings)
{
    /// <summary>Host bridges the domain's network interfaces are plugged into (<c>vmbr0</c>), each once, in document order.</summary>
    public IReadOnlyList<string> Bridges { get; init; } = [];
}

/// <summary>
/// Reads the PCI hostdevs and bridged interfaces of a domain XML (live or persistent). Kept apart from
/// libvirt so it can be tested on captured and hand-written XML, malformed included.
/// </summary>
internal static class DomainXml
{
    public static DomainDescription Parse(string xml)
    {
        var root = SafeXml.Load(xml, "The domain XML").Root;
        if (root?.Name != "domain")
        {
            throw new DomainXmlException($"The domain XML has <{root?.Name.LocalName}> at its root, not <domain>.");
        }

        var name = root.Element("name")?.Value.Trim();
        if (string.IsNullOrEmpty(name))
        {
            throw new DomainXmlException("The domain XML has no <name>.");
        }

        Guid? uuid = Guid.TryParse(root.Element("uuid")?.Value.Trim(), CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        var warnings = new List<string>();
        var devices = new List<GuestHostDevice>();
        foreach (var element in HostDeviceXml.PciElements(root))
        {
            if (ReadHostDevice(element, out var device, out var problem))
            {
                devices.Add(device);
            }
            else
            {
                warnings.Add(problem);
            }
        }

        return new DomainDescription(name, uuid, devices, warnings) { Bridges = InterfaceBridges.Read(root, warnings) };
    }

    private static bool ReadHostDevice(XElement element, out GuestHostDevice device, out string problem)
    {
        device = null!;
        if (!HostDeviceXml.TryReadSource(element, out var host))
        {
            problem = $"A PCI {element.Name.LocalName} without a readable host address was skipped: {Shorten(element)}";
            return false;
        }

        PciAddress? guest = null;
        if (element.Element("address") is { } guestAddress && (string?)guestAddress.Attribute("type") == "pci"
            && HostDeviceXml.TryReadAddress(guestAddress, out var g))
        {
            guest = g;
        }

        var kind = element.Name == "interface" ? HostDeviceElement.Interface : HostDeviceElement.Hostdev;
        var managed = (string?)element.Attribute("managed") == "yes";
        var alias = (string?)element.Element("alias")?.Attribute("name");
        device = new GuestHostDevice(host, managed, guest, alias, kind);
        problem = "";
        return true;
    }

    private static string Shorten(XElement element)
    {
        var text = element.ToString(SaveOptions.DisableFormatting);
        return text.Length > 200 ? text[..200] + "…" : text;
    }
}
