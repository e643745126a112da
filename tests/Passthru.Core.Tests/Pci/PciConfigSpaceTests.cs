using Passthru.Core.Pci;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Pci;

public class PciConfigSpaceTests
{
    [Fact]
    public void Parse_RootPortWithAcsEnabled_IsolationEnabled()
    {
        var all = AcsFlags.SourceValidation | AcsFlags.P2PRequestRedirect | AcsFlags.P2PCompletionRedirect | AcsFlags.UpstreamForwarding;
        var config = PciConfigSpace.Parse(ConfigSpace.Pcie(0x1b36, 0x000c, PcieDeviceType.RootPort, headerType: 1, acs: new AcsControl(all, all)));
        Assert.Equal(PcieDeviceType.RootPort, config.DeviceType);
        Assert.Equal(1, config.HeaderType);
        Assert.True(config.Acs!.Value.IsolationEnabled);
    }

    [Fact]
    public void Parse_AcsCapableButNotEnabled_ReportsMissingFlags()
    {
        var caps = AcsFlags.SourceValidation | AcsFlags.P2PRequestRedirect | AcsFlags.P2PCompletionRedirect | AcsFlags.UpstreamForwarding;
        var config = PciConfigSpace.Parse(ConfigSpace.Pcie(0x8086, 0x1234, PcieDeviceType.DownstreamSwitchPort, acs: new AcsControl(caps, AcsFlags.SourceValidation)));
        Assert.Equal(AcsFlags.P2PRequestRedirect | AcsFlags.P2PCompletionRedirect | AcsFlags.UpstreamForwarding, config.Acs!.Value.MissingForIsolation);
    }

    [Fact]
    public void Parse_FeatureNotImplemented_NeedNotBeEnabled()
    {
        // Linux only asks for the ACS features a port implements (pci_acs_flags_enabled).
        var caps = AcsFlags.SourceValidation | AcsFlags.P2PRequestRedirect | AcsFlags.P2PCompletionRedirect;
        var config = PciConfigSpace.Parse(ConfigSpace.Pcie(0x8086, 0x1234, PcieDeviceType.RootPort, acs: new AcsControl(caps, caps)));
        Assert.True(config.Acs!.Value.IsolationEnabled);
    }

    [Fact]
    public void Parse_MultifunctionEndpointWithoutAcs_HasNoAcs()
    {
        var config = PciConfigSpace.Parse(ConfigSpace.Pcie(0x1022, 0x1637, PcieDeviceType.Endpoint, multifunction: true));
        Assert.True(config.IsMultifunction);
        Assert.True(config.ExtendedCapabilitiesKnown);
        Assert.Null(config.Acs);
    }

    [Fact]
    public void Parse_NonRootRead_CapabilitiesUnknownNotAbsent()
    {
        var config = PciConfigSpace.Parse(ConfigSpace.Pcie(0x1022, 0x1637, PcieDeviceType.Endpoint)[..64]);
        Assert.False(config.CapabilitiesKnown);
        Assert.Null(config.DeviceType);
        Assert.Equal(0, config.HeaderType);
    }

    [Fact]
    public void Parse_LoopingCapabilityLists_Terminate()
    {
        var bytes = ConfigSpace.Pcie(0x1022, 0x1637, PcieDeviceType.Endpoint);
        bytes[0x40] = 0x05; // not PCIe: an MSI capability ...
        bytes[0x41] = 0x40; // ... pointing at itself
        BitConverter.TryWriteBytes(bytes.AsSpan(0x100), 0x0001u | (0x100u << 20)); // extended list pointing at itself
        var config = PciConfigSpace.Parse(bytes);
        Assert.Null(config.DeviceType);
        Assert.Null(config.Acs);
    }

    [Fact]
    public void Parse_RandomBytes_NeverThrows()
    {
        var random = new Random(42);
        foreach (var length in new[] { 0, 1, 63, 64, 255, 256, 4095, 4096 })
        {
            for (var i = 0; i < 200; i++)
            {
                var bytes = new byte[length];
                random.NextBytes(bytes);
                _ = PciConfigSpace.Parse(bytes);
            }
        }
    }
}
