namespace Passthru.Core.Pci;

/// <summary>The Device/Port Type field of the PCI Express capability (PCIe base spec 7.5.3.2).</summary>
public enum PcieDeviceType
{
    Endpoint = 0x0,
    LegacyEndpoint = 0x1,
    RootPort = 0x4,
    UpstreamSwitchPort = 0x5,
    DownstreamSwitchPort = 0x6,
    PcieToPciBridge = 0x7,
    PciToPcieBridge = 0x8,
    RootComplexIntegratedEndpoint = 0x9,
    RootComplexEventCollector = 0xa,
}
