using System.Globalization;
using System.Xml.Linq;
using Passthru.Core.Pci;

namespace Passthru.Core.Libvirt;

/// <summary>Reads a PCI node device's XML (<c>virsh nodedev-dumpxml</c>).</summary>
internal static class NodeDeviceXml
{
    /// <summary>The device, or null if the XML is not a PCI device (no <c>capability type='pci'</c> with an address).</summary>
    public static NodePciDevice? ParsePci(string xml)
    {
        var root = SafeXml.Load(xml, "The node device XML").Root;
        var pci = root?.Elements("capability").FirstOrDefault(c => (string?)c.Attribute("type") == "pci");
        if (root?.Name != "device" || pci is null
            || !TryInt(pci.Element("domain"), out var domain) || !TryInt(pci.Element("bus"), out var bus)
            || !TryInt(pci.Element("slot"), out var slot) || !TryInt(pci.Element("function"), out var function)
            || domain is < 0 or > 0xffff || bus is < 0 or > 0xff || slot is < 0 or > PciAddress.MaxDevice || function is < 0 or > PciAddress.MaxFunction)
        {
            return null;
        }

        var vendor = pci.Element("vendor");
        var product = pci.Element("product");
        int? group = TryInt(pci.Element("iommuGroup")?.Attribute("number"), out var g) ? g : null;
        return new NodePciDevice(
            Name: root.Element("name")?.Value.Trim() ?? "",
            Address: new PciAddress((ushort)domain, (byte)bus, (byte)slot, (byte)function),
            Driver: root.Element("driver")?.Element("name")?.Value.Trim(),
            VendorId: (string?)vendor?.Attribute("id"),
            Vendor: NullIfEmpty(vendor?.Value),
            ProductId: (string?)product?.Attribute("id"),
            Product: NullIfEmpty(product?.Value),
            IommuGroup: group);
    }

    private static bool TryInt(XObject? node, out int value)
    {
        var text = node switch
        {
            XElement e => e.Value,
            XAttribute a => a.Value,
            _ => null,
        };
        return int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
