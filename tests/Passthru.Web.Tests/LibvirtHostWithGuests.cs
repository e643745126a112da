using System.Globalization;
using System.Xml.Linq;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.TestSupport;

namespace Passthru.Web.Tests;

/// <summary>
/// A host file for libvirt's test driver: tests/fixtures/libvirt/host.xml plus stopped guests with the host
/// functions a test names, defined as if by <c>virsh define</c> (not through Passthru). Delete the file when done.
/// </summary>
public static class LibvirtHostWithGuests
{
    public static string Write(params (string Name, bool Managed, string[] Devices)[] guests)
    {
        var path = Scratch.NewPath("passthru-libvirt-host") + ".xml";
        var fixture = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "fixtures", "libvirt", "host.xml"));
        var domains = guests.Select((guest, i) => new XElement("domain", new XAttribute("type", "test"),
            new XElement("name", guest.Name),
            new XElement("uuid", string.Create(CultureInfo.InvariantCulture, $"22222222-0000-0000-0000-{i + 1:x12}")),
            XElement.Parse("<memory unit='MiB'>512</memory>"),
            XElement.Parse("<os><type arch='x86_64'>hvm</type></os>"),
            XElement.Parse("<devices>" + string.Concat(guest.Devices.Select(d => HostDeviceXml.Create(PciAddress.Parse(d), guest.Managed))) + "</devices>"),
            XElement.Parse("<test:runstate xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>5</test:runstate>")));
        File.WriteAllText(path, fixture.Replace("<node>", "<node>\n" + string.Concat(domains), StringComparison.Ordinal));
        return path;
    }
}
