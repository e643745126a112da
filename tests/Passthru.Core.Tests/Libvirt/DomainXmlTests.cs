using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Libvirt;

public sealed class DomainXmlTests
{
    [Fact]
    public void Parse_HostdevsWithAndWithoutGuestAddress_ReadsHostAddressManagedGuestAddressAndAlias()
    {
        var domain = DomainXml.Parse("""
            <domain type='kvm' id='3'>
              <name>win11</name>
              <uuid>5f1c7f7e-2d0e-4b8a-9a57-0c2b8f1d2e3a</uuid>
              <devices>
                <disk type='file' device='disk'><source file='/var/lib/libvirt/images/win11.qcow2'/></disk>
                <hostdev mode='subsystem' type='pci' managed='yes'>
                  <driver name='vfio'/>
                  <source><address domain='0x0000' bus='0x0a' slot='0x00' function='0x1'/></source>
                  <alias name='hostdev0'/>
                  <address type='pci' domain='0x0000' bus='0x06' slot='0x00' function='0x0'/>
                </hostdev>
                <hostdev mode='subsystem' type='pci' managed='no'>
                  <source><address domain='0x0001' bus='0x04' slot='0x1f' function='0x7'/></source>
                </hostdev>
                <hostdev mode='subsystem' type='usb' managed='yes'>
                  <source><vendor id='0x046d'/><product id='0xc52b'/></source>
                </hostdev>
              </devices>
            </domain>
            """);

        Assert.Equal("win11", domain.Name);
        Assert.Equal(Guid.Parse("5f1c7f7e-2d0e-4b8a-9a57-0c2b8f1d2e3a"), domain.Uuid);
        Assert.Empty(domain.Warnings);
        Assert.Equal(
            [
                new GuestHostDevice(PciAddress.Parse("0000:0a:00.1"), true, PciAddress.Parse("0000:06:00.0"), "hostdev0", HostDeviceElement.Hostdev),
                new GuestHostDevice(PciAddress.Parse("0001:04:1f.7"), false, null, null, HostDeviceElement.Hostdev),
            ],
            domain.HostDevices);
    }

    [Fact]
    public void Parse_CapturedQemuPersistentDefinition_ReadsBothHostdevsWithTheSlotsQemuGaveThem()
    {
        // virsh dumpxml --inactive of a tiny guest on libvirt 9.0 after two attach-device --config calls.
        var xml = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "fixtures", "libvirt", "qemu-inactive-two-hostdevs.xml"));

        var domain = DomainXml.Parse(xml);

        Assert.Equal("passthru-capture", domain.Name);
        Assert.Equal(
            [
                new GuestHostDevice(PciAddress.Parse("0000:04:00.6"), true, PciAddress.Parse("0000:00:02.0"), null, HostDeviceElement.Hostdev),
                new GuestHostDevice(PciAddress.Parse("0000:04:00.7"), false, PciAddress.Parse("0000:00:03.0"), null, HostDeviceElement.Hostdev),
            ],
            domain.HostDevices);
    }

    [Fact]
    public void Parse_InterfaceOfTypeHostdev_IsAPciPassthroughToo()
    {
        var domain = DomainXml.Parse("""
            <domain type='kvm'><name>router</name><devices>
              <interface type='hostdev' managed='yes'>
                <mac address='52:54:00:6d:90:02'/>
                <source><address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x2'/></source>
              </interface>
              <interface type='network'><source network='default'/></interface>
            </devices></domain>
            """);

        var device = Assert.Single(domain.HostDevices);
        Assert.Equal(new GuestHostDevice(PciAddress.Parse("0000:03:10.2"), true, null, null, HostDeviceElement.Interface), device);
    }

    [Fact]
    public void Parse_BridgedInterfaces_ReadsEachHostBridgeOnce()
    {
        // As virsh dumpxml shows a running guest: type='network' gains the bridge its network runs on.
        var domain = DomainXml.Parse("""
            <domain type='kvm' id='7'><name>web1</name><devices>
              <interface type='bridge'>
                <mac address='52:54:00:12:34:56'/><source bridge='vmbr0'/><target dev='vnet0'/><model type='virtio'/><alias name='net0'/>
              </interface>
              <interface type='bridge'><source bridge='vmbr0'/><target dev='vnet1'/></interface>
              <interface type='network'><source network='default' portid='1f6a52c0-6c3b-4a35-a1f1-84bf1d1ed14a' bridge='virbr0'/></interface>
              <interface type='network'><source network='isolated'/></interface>
              <interface type='direct'><source dev='eth1' mode='bridge'/></interface>
              <interface type='user'/>
            </devices></domain>
            """);

        Assert.Equal(["vmbr0", "virbr0"], domain.Bridges);
        Assert.Empty(domain.Warnings);
        Assert.Empty(domain.HostDevices);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("vmbr0 ")]
    [InlineData("sixteen-chars-xx")]
    public void Parse_BridgeThatIsNoInterfaceName_IsSkippedWithAWarning(string bridge)
    {
        var domain = DomainXml.Parse($"""
            <domain><name>odd</name><devices>
              <interface type='bridge'><source bridge='{bridge}'/></interface>
              <interface type='bridge'><source bridge='br0'/></interface>
            </devices></domain>
            """);

        Assert.Equal(["br0"], domain.Bridges);
        Assert.Contains("is not a Linux interface name", Assert.Single(domain.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NumbersInDecimalOrOctal_ReadAsLibvirtReadsThem()
    {
        // libvirt parses these attributes with base 0 (strtol): 0x hex, leading 0 octal, otherwise decimal.
        var domain = DomainXml.Parse("""
            <domain><name>hand-written</name><devices>
              <hostdev type='pci'><source><address bus='10' slot='010' function='1'/></source></hostdev>
            </devices></domain>
            """);

        var device = Assert.Single(domain.HostDevices);
        Assert.Equal(PciAddress.Parse("0000:0a:08.1"), device.HostAddress);
        Assert.False(device.Managed); // libvirt's default when the attribute is absent
        Assert.Null(domain.Uuid);
    }

    [Theory]
    [InlineData("bus='0x100' slot='0x00' function='0x0'")]   // bus over 0xff
    [InlineData("bus='0x04' slot='0x20' function='0x0'")]    // slot over 0x1f
    [InlineData("bus='0x04' slot='0x00' function='0x8'")]    // function over 7
    [InlineData("bus='0x04' slot='0x00'")]                   // no function
    [InlineData("bus='four' slot='0x00' function='0x0'")]
    [InlineData("bus='09' slot='0x00' function='0x0'")]      // 9 is not an octal digit
    public void Parse_UnreadableHostAddress_SkipsThatDeviceWithAWarning(string attributes)
    {
        var domain = DomainXml.Parse($"""
            <domain><name>odd</name><devices>
              <hostdev mode='subsystem' type='pci'><source><address {attributes}/></source></hostdev>
              <hostdev mode='subsystem' type='pci'><source><address domain='0x0000' bus='0x05' slot='0x00' function='0x0'/></source></hostdev>
            </devices></domain>
            """);

        Assert.Equal(PciAddress.Parse("0000:05:00.0"), Assert.Single(domain.HostDevices).HostAddress);
        Assert.Contains("without a readable host address", Assert.Single(domain.Warnings), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<domain><name>cut", "not well-formed")]
    [InlineData("", "not well-formed")]
    [InlineData("<domain><name>a</name></domain><domain/>", "not well-formed")]
    [InlineData("<network><name>default</name></network>", "<network> at its root")]
    [InlineData("<domain><uuid>5f1c7f7e-2d0e-4b8a-9a57-0c2b8f1d2e3a</uuid></domain>", "no <name>")]
    public void Parse_MalformedOrForeignXml_ThrowsDomainXmlExceptionThatSaysWhy(string xml, string expected)
    {
        var e = Assert.Throws<DomainXmlException>(() => DomainXml.Parse(xml));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DocumentTypeWithEntities_IsRefusedNotExpanded()
    {
        // A DTD could pull in local files or expand entities without bound; libvirt never writes one.
        var e = Assert.Throws<DomainXmlException>(() => DomainXml.Parse("""
            <?xml version="1.0"?>
            <!DOCTYPE domain [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
            <domain><name>&secret;</name></domain>
            """));
        Assert.Contains("DTD", e.Message, StringComparison.Ordinal);
    }
}
