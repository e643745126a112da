using System.Globalization;
using System.Xml.Linq;
using Passthru.Core.Pci;

namespace Passthru.Core.Libvirt;

/// <summary>
/// The <c>&lt;hostdev&gt;</c> element for a host PCI function, and finding, adding and removing such
/// elements in a domain XML (the persistent-definition edit for drivers that cannot attach).
/// </summary>
public static class HostDeviceXml
{
    /// <summary>
    /// The hostdev XML for <paramref name="address"/>, written the way the classic how-tos write it by
    /// hand (bus, slot and function in hex, <c>0x0000</c> style), for <c>virsh attach-device</c> or a copy button.
    /// </summary>
    public static string Create(PciAddress address, bool managed = true)
        => string.Create(CultureInfo.InvariantCulture, $"""
            <hostdev mode='subsystem' type='pci' managed='{(managed ? "yes" : "no")}'>
              <source>
                <address domain='0x{address.Domain:x4}' bus='0x{address.Bus:x2}' slot='0x{address.Device:x2}' function='0x{address.Function:x1}'/>
              </source>
            </hostdev>
            """);

    /// <summary>The element in <paramref name="domainXml"/> whose host source is <paramref name="address"/>, serialized; null if none.</summary>
    internal static string? Find(string domainXml, PciAddress address)
        => FindElement(Load(domainXml), address)?.ToString(SaveOptions.DisableFormatting);

    /// <summary>The domain XML with <paramref name="hostdevXml"/> appended to its devices.</summary>
    internal static string Add(string domainXml, string hostdevXml)
    {
        var document = Load(domainXml);
        var domain = document.Root!;
        var devices = domain.Element("devices");
        if (devices is null)
        {
            devices = new XElement("devices");
            domain.Add(devices);
        }

        devices.Add(SafeXml.Load(hostdevXml, "The hostdev XML").Root);
        return document.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>The domain XML without the element for <paramref name="address"/>, or null if it has none.</summary>
    internal static string? Remove(string domainXml, PciAddress address)
    {
        var document = Load(domainXml);
        if (FindElement(document, address) is not { } element)
        {
            return null;
        }

        element.Remove();
        return document.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>The PCI passthrough elements of a domain: subsystem PCI hostdevs and hostdev-type interfaces.</summary>
    internal static IEnumerable<XElement> PciElements(XElement domain)
    {
        foreach (var element in domain.Elements("devices").Elements())
        {
            var type = (string?)element.Attribute("type");
            if (element.Name == "hostdev" && type == "pci" && (string?)element.Attribute("mode") is null or "subsystem")
            {
                yield return element;
            }
            else if (element.Name == "interface" && type == "hostdev")
            {
                yield return element;
            }
        }
    }

    internal static bool TryReadSource(XElement element, out PciAddress address)
    {
        address = default;
        return element.Element("source")?.Element("address") is { } source && TryReadAddress(source, out address);
    }

    /// <summary>
    /// Reads an <c>&lt;address domain bus slot function&gt;</c>. libvirt reads each number with base 0
    /// (strtol's rule: <c>0x</c> is hex, a leading 0 octal, else decimal) and writes hex; both are read here.
    /// </summary>
    internal static bool TryReadAddress(XElement address, out PciAddress result)
    {
        result = default;
        if (!TryNumber((string?)address.Attribute("domain") ?? "0", 0xffff, out var domain)
            || !TryNumber((string?)address.Attribute("bus"), 0xff, out var bus)
            || !TryNumber((string?)address.Attribute("slot"), PciAddress.MaxDevice, out var slot)
            || !TryNumber((string?)address.Attribute("function"), PciAddress.MaxFunction, out var function))
        {
            return false;
        }

        result = new PciAddress((ushort)domain, (byte)bus, (byte)slot, (byte)function);
        return true;
    }

    private static bool TryNumber(string? text, int max, out int value)
    {
        value = 0;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var (digits, numberBase) = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? (text[2..], 16)
            : text.Length > 1 && text[0] == '0' ? (text[1..], 8)
            : (text, 10);
        if (digits.Length is 0 or > 8)
        {
            return false;
        }

        long parsed = 0;
        foreach (var ch in digits)
        {
            var digit = char.IsAsciiDigit(ch) ? ch - '0' : char.IsAsciiHexDigit(ch) ? char.ToLowerInvariant(ch) - 'a' + 10 : int.MaxValue;
            if (digit >= numberBase)
            {
                return false;
            }

            parsed = (parsed * numberBase) + digit;
        }

        value = (int)parsed;
        return parsed <= max;
    }

    private static XElement? FindElement(XDocument document, PciAddress address)
        => PciElements(document.Root!).FirstOrDefault(e => TryReadSource(e, out var source) && source == address);

    private static XDocument Load(string domainXml)
    {
        var document = SafeXml.Load(domainXml, "The domain XML");
        return document.Root?.Name == "domain" ? document : throw new DomainXmlException("The domain XML has no <domain> root.");
    }
}
