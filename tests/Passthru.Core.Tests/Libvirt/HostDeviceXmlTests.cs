using Passthru.Core.Libvirt;
using Passthru.Core.Pci;

namespace Passthru.Core.Tests.Libvirt;

public sealed class HostDeviceXmlTests
{
    private const string Domain = """
        <domain type='test'>
          <name>vm</name>
          <devices>
            <hostdev mode='subsystem' type='pci' managed='yes'>
              <source><address domain='0x0000' bus='0x04' slot='0x00' function='0x6'/></source>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x07' function='0x0'/>
            </hostdev>
          </devices>
        </domain>
        """;

    [Fact]
    public void Create_Managed_WritesHexAddressAsTheHowTosDo()
    {
        Assert.Equal("""
            <hostdev mode='subsystem' type='pci' managed='yes'>
              <source>
                <address domain='0x0000' bus='0x04' slot='0x00' function='0x6'/>
              </source>
            </hostdev>
            """, HostDeviceXml.Create(PciAddress.Parse("0000:04:00.6")));
    }

    [Fact]
    public void Create_UnmanagedWithDomainAndHighNumbers_WritesThemInLowercaseHex()
    {
        var xml = HostDeviceXml.Create(PciAddress.Parse("001a:ff:1f.7"), managed: false);

        Assert.StartsWith("<hostdev mode='subsystem' type='pci' managed='no'>", xml, StringComparison.Ordinal);
        Assert.Contains("<address domain='0x001a' bus='0xff' slot='0x1f' function='0x7'/>", xml, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ReadsBackThroughTheParser()
    {
        var address = PciAddress.Parse("0000:0b:00.3");
        var domain = DomainXml.Parse(HostDeviceXml.Add("<domain><name>vm</name></domain>", HostDeviceXml.Create(address, managed: false)));

        Assert.Equal(new GuestHostDevice(address, false, null, null, HostDeviceElement.Hostdev), Assert.Single(domain.HostDevices));
    }

    [Fact]
    public void Find_MatchesTheHostSourceNotTheGuestAddress()
    {
        var element = HostDeviceXml.Find(Domain, PciAddress.Parse("0000:04:00.6"));

        Assert.NotNull(element);
        Assert.Contains("slot='0x07'", element.Replace('"', '\''), StringComparison.Ordinal); // the definition's own element, guest address included
        Assert.Null(HostDeviceXml.Find(Domain, PciAddress.Parse("0000:00:07.0")));
    }

    [Fact]
    public void AddThenRemove_ChangesOnlyThatDevice()
    {
        var added = HostDeviceXml.Add(Domain, HostDeviceXml.Create(PciAddress.Parse("0000:05:00.0")));
        Assert.Equal(["0000:04:00.6", "0000:05:00.0"], DomainXml.Parse(added).HostDevices.Select(d => d.HostAddress.ToString()));

        var removed = HostDeviceXml.Remove(added, PciAddress.Parse("0000:04:00.6"));
        Assert.NotNull(removed);
        Assert.Equal(["0000:05:00.0"], DomainXml.Parse(removed).HostDevices.Select(d => d.HostAddress.ToString()));
        Assert.Contains("<name>vm</name>", removed, StringComparison.Ordinal);
    }

    [Fact]
    public void Remove_AddressNotThere_ReturnsNull()
        => Assert.Null(HostDeviceXml.Remove(Domain, PciAddress.Parse("0000:09:00.0")));

    [Fact]
    public void Add_DomainWithoutDevices_CreatesTheDevicesElement()
    {
        var added = HostDeviceXml.Add("<domain type='test'><name>bare</name></domain>", HostDeviceXml.Create(PciAddress.Parse("0000:04:00.6")));

        Assert.Single(DomainXml.Parse(added).HostDevices);
    }
}
