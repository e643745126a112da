namespace Passthru.Core.Pci;

/// <summary>What a function of the chipset is for, by its class.</summary>
public enum ChipsetRole
{
    /// <summary>Class 06 00: the CPU's link to the PCI bus.</summary>
    HostBridge,

    /// <summary>Class 06 01 to 06 03: the chipset's bridge to the firmware, the clock and legacy devices (LPC on today's boards).</summary>
    LegacyBusBridge,

    /// <summary>Class 0c 05: memory modules' SPD data and hardware sensors.</summary>
    SmbusController,
}

/// <summary>
/// Functions of the chipset the host runs on, which no guest can use: they are not PCI-to-PCI
/// bridges (the kernel binds drivers to them, and they sit in IOMMU groups like endpoints), yet
/// taking one from the host breaks the host, and a guest could do nothing with it.
/// </summary>
public static class ChipsetFunction
{
    public static ChipsetRole? RoleOf(uint? classCode) => (classCode >> 8) switch
    {
        0x0600 => ChipsetRole.HostBridge,
        0x0601 or 0x0602 or 0x0603 => ChipsetRole.LegacyBusBridge,
        0x0c05 => ChipsetRole.SmbusController,
        _ => null,
    };

    /// <summary>Why the function stays with the host, for a verdict or a refusal.</summary>
    public static string Explain(ChipsetRole role) => role switch
    {
        ChipsetRole.HostBridge => "the host bridge, the CPU's own link to the PCI bus: the host cannot run without it, and no guest can use it",
        ChipsetRole.LegacyBusBridge => "the chipset's ISA/LPC bridge, which carries the firmware, the real-time clock and legacy devices such as a PS/2 keyboard: the host needs it, and no guest can use it",
        _ => "the chipset's SMBus controller, through which the host reads its memory modules and hardware sensors: guests have no use for it",
    };
}
