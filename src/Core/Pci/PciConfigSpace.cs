using System.Buffers.Binary;

namespace Passthru.Core.Pci;

/// <summary>
/// What Passthru needs from a function's config space: header type, the PCI Express capability
/// and the ACS extended capability. The kernel gives root the whole space (4096 bytes for PCIe,
/// 256 for conventional PCI) and others only the first 64 bytes: then capabilities are unknown,
/// not absent.
/// </summary>
public sealed class PciConfigSpace
{
    private const int StandardHeaderLength = 64;
    private const int StandardSpaceLength = 256;
    private const int ExtendedSpaceLength = 4096;
    private const byte PciExpressCapabilityId = 0x10;
    private const ushort AcsExtendedCapabilityId = 0x000d;

    private PciConfigSpace(int length) => Length = length;

    public int Length { get; }

    /// <summary>Header type 0 (endpoint), 1 (PCI-to-PCI bridge) or 2 (CardBus bridge).</summary>
    public int? HeaderType { get; private init; }

    /// <summary>Bit 7 of the header type: the device has more than one function.</summary>
    public bool? IsMultifunction { get; private init; }

    /// <summary>The capability list was readable (at least 256 bytes).</summary>
    public bool CapabilitiesKnown => Length >= StandardSpaceLength;

    public bool IsPciExpress => DeviceType is not null;

    public PcieDeviceType? DeviceType { get; private init; }

    /// <summary>The extended capabilities were readable (PCIe function and 4096 bytes).</summary>
    public bool ExtendedCapabilitiesKnown { get; private init; }

    /// <summary>The ACS capability, or null if the function has none (or it could not be read: see <see cref="ExtendedCapabilitiesKnown"/>).</summary>
    public AcsControl? Acs { get; private init; }

    public static PciConfigSpace Parse(ReadOnlySpan<byte> config)
    {
        if (config.Length < StandardHeaderLength)
        {
            return new PciConfigSpace(config.Length);
        }

        var headerByte = config[0x0e];
        var deviceType = config.Length >= StandardSpaceLength ? FindPcieDeviceType(config) : null;
        var extendedKnown = deviceType is not null && config.Length >= ExtendedSpaceLength;
        return new PciConfigSpace(config.Length)
        {
            HeaderType = headerByte & 0x7f,
            IsMultifunction = (headerByte & 0x80) != 0,
            DeviceType = deviceType,
            ExtendedCapabilitiesKnown = extendedKnown,
            Acs = extendedKnown ? FindAcs(config) : null,
        };
    }

    private static PcieDeviceType? FindPcieDeviceType(ReadOnlySpan<byte> config)
    {
        const ushort capabilitiesListBit = 1 << 4;
        var status = BinaryPrimitives.ReadUInt16LittleEndian(config[0x06..]);
        if ((status & capabilitiesListBit) == 0)
        {
            return null;
        }

        // Standard capabilities: a linked list of (id, next) pairs from offset 0x34. Bounded walk:
        // a corrupt or malicious list may loop.
        var offset = config[0x34] & 0xfc;
        for (var hops = 0; offset >= StandardHeaderLength && offset < StandardSpaceLength - 4 && hops < 48; hops++)
        {
            if (config[offset] == PciExpressCapabilityId)
            {
                var flags = BinaryPrimitives.ReadUInt16LittleEndian(config[(offset + 2)..]);
                return (PcieDeviceType)((flags >> 4) & 0xf);
            }

            offset = config[offset + 1] & 0xfc;
        }

        return null;
    }

    private static AcsControl? FindAcs(ReadOnlySpan<byte> config)
    {
        // Extended capabilities: 32-bit headers from 0x100, id in bits 0-15, next in bits 20-31.
        var offset = StandardSpaceLength;
        for (var hops = 0; offset >= StandardSpaceLength && offset <= ExtendedSpaceLength - 8 && hops < 512; hops++)
        {
            var header = BinaryPrimitives.ReadUInt32LittleEndian(config[offset..]);
            if (header == 0 || header == uint.MaxValue)
            {
                return null;
            }

            if ((header & 0xffff) == AcsExtendedCapabilityId)
            {
                var capabilities = BinaryPrimitives.ReadUInt16LittleEndian(config[(offset + 4)..]);
                var control = BinaryPrimitives.ReadUInt16LittleEndian(config[(offset + 6)..]);
                return new AcsControl((AcsFlags)(capabilities & 0x7f), (AcsFlags)(control & 0x7f));
            }

            offset = (int)(header >> 20) & 0xffc;
        }

        return null;
    }
}
