using System.Globalization;
using System.Text.RegularExpressions;
using Passthru.Core.Pci;

namespace Passthru.Core.Interrupts;

public enum InterruptSource
{
    /// <summary>A vfio handler names the device: <c>vfio-msi[0](0000:00:1b.0)</c>, <c>vfio-intx(...)</c>, <c>vfio-msix[n](...)</c>.</summary>
    Vfio,

    /// <summary>The chip is the device's own MSI domain: <c>PCI-MSIX-0000:01:00.0</c>, <c>IR-PCI-MSI-0000:00:01.0</c>.</summary>
    ChipName,

    /// <summary>The IRQ is listed in the device's <c>msi_irqs/</c> directory.</summary>
    MsiIrqsDirectory,

    /// <summary>x86's shared PCI-MSI domain encodes the requester ID in the hardware IRQ (domain &lt;&lt; 27 | bus:devfn &lt;&lt; 11 | vector).</summary>
    MsiHardwareIrq,

    /// <summary>The device's legacy <c>irq</c>, and the row's handler is its driver or one of its interfaces.</summary>
    Intx,
}

/// <summary>The PCI function an interrupt row belongs to, how that was known, and for vfio rows the kind (intx, msi, msix).</summary>
public sealed record DeviceInterrupt(PciAddress Address, InterruptSource Source, string? VfioKind = null);

/// <summary>What the mapper needs to know of a device: its legacy IRQ, its MSI IRQs, and the names its handlers use.</summary>
public sealed record InterruptOwner(PciAddress Address, int? Irq, IReadOnlyList<int> MsiIrqs, IReadOnlyList<string> HandlerNames);

/// <summary>Maps rows of /proc/interrupts to the PCI functions that raise them, most certain evidence first.</summary>
public static partial class InterruptDeviceMapper
{
    public static IReadOnlyDictionary<string, DeviceInterrupt> Map(InterruptTable table, IReadOnlyList<InterruptOwner> owners)
    {
        var known = owners.ToDictionary(o => o.Address);
        var byMsiIrq = owners.SelectMany(o => o.MsiIrqs.Select(irq => (irq, o.Address))).GroupBy(p => p.irq).ToDictionary(g => g.Key, g => g.First().Address);
        var map = new Dictionary<string, DeviceInterrupt>(StringComparer.Ordinal);
        foreach (var line in table.Lines.Where(l => l.Irq is not null))
        {
            if (Map(line, known, byMsiIrq) is { } owner)
            {
                map[line.Label] = owner;
            }
        }

        return map;
    }

    private static DeviceInterrupt? Map(InterruptLine line, Dictionary<PciAddress, InterruptOwner> known, Dictionary<int, PciAddress> byMsiIrq)
    {
        if (line.Actions is { } actions && VfioAction().Match(actions) is { Success: true } vfio && PciAddress.TryParse(vfio.Groups["address"].Value, out var vfioAddress))
        {
            return new DeviceInterrupt(vfioAddress, InterruptSource.Vfio, vfio.Groups["kind"].Value);
        }

        if (line.Chip is { } chip && ChipWithAddress().Match(chip) is { Success: true } named && PciAddress.TryParse(named.Groups["address"].Value, out var chipAddress))
        {
            return new DeviceInterrupt(chipAddress, InterruptSource.ChipName);
        }

        if (byMsiIrq.TryGetValue(line.Irq!.Value, out var msiOwner))
        {
            return new DeviceInterrupt(msiOwner, InterruptSource.MsiIrqsDirectory);
        }

        if (line.Chip is "PCI-MSI" or "IR-PCI-MSI" && ulong.TryParse(line.HardwareIrq, NumberStyles.None, CultureInfo.InvariantCulture, out var hwirq))
        {
            var requester = (hwirq >> 11) & 0xffff;
            var decoded = new PciAddress((ushort)(hwirq >> 27), (byte)(requester >> 8), (byte)((requester >> 3) & 0x1f), (byte)(requester & 0x7));
            if (known.ContainsKey(decoded))
            {
                return new DeviceInterrupt(decoded, InterruptSource.MsiHardwareIrq);
            }
        }

        // INTx lines can be shared: only a device whose IRQ this is and whose handler is on the row.
        var handlers = (line.Actions ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var intx = known.Values.Where(o => o.Irq == line.Irq && o.HandlerNames.Any(n => handlers.Any(h => h == n || h.StartsWith(n + "-", StringComparison.Ordinal) || h.StartsWith(n + ":", StringComparison.Ordinal)))).ToArray();
        return intx.Length == 1 ? new DeviceInterrupt(intx[0].Address, InterruptSource.Intx) : null;
    }

    [GeneratedRegex(@"vfio-(?<kind>intx|msix|msi)(\[\d+\])?\((?<address>[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])\)")]
    private static partial Regex VfioAction();

    [GeneratedRegex(@"PCI-MSIX?-(?<address>[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])$")]
    private static partial Regex ChipWithAddress();
}
