using Passthru.Core.Libvirt;
using Passthru.Core.Pci;

namespace Passthru.Core.Tests.Libvirt;

public sealed class NodeDeviceXmlTests
{
    [Fact]
    public void ParsePci_RealQemuHostDevice_ReadsAddressIdsDriverAndGroup()
    {
        // As libvirtd's node-device driver printed a virtio disk of this machine.
        var device = NodeDeviceXml.ParsePci("""
            <device>
              <name>pci_0000_00_03_0</name>
              <path>/sys/devices/pci0000:00/0000:00:03.0</path>
              <parent>computer</parent>
              <driver>
                <name>virtio-pci</name>
              </driver>
              <capability type='pci'>
                <class>0x010000</class>
                <domain>0</domain>
                <bus>0</bus>
                <slot>3</slot>
                <function>0</function>
                <product id='0x1001'>Virtio block device</product>
                <vendor id='0x1af4'>Red Hat, Inc.</vendor>
                <iommuGroup number='3'>
                  <address domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>
                </iommuGroup>
              </capability>
            </device>
            """);

        Assert.Equal(new NodePciDevice("pci_0000_00_03_0", PciAddress.Parse("0000:00:03.0"), "virtio-pci", "0x1af4", "Red Hat, Inc.", "0x1001", "Virtio block device", 3), device);
    }

    [Theory]
    [InlineData("<device><name>net_eth0</name><capability type='net'><interface>eth0</interface></capability></device>")]
    [InlineData("<device><name>pci_x</name><capability type='pci'><domain>0</domain><bus>0</bus><slot>40</slot><function>0</function></capability></device>")]
    public void ParsePci_NotAPciFunction_ReturnsNull(string xml) => Assert.Null(NodeDeviceXml.ParsePci(xml));
}
