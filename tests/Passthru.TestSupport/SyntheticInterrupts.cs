using System.Globalization;
using System.Text;

namespace Passthru.TestSupport;

/// <summary>
/// SYNTHETIC <c>/proc/interrupts</c> text for sizes no machine here has (256 CPUs, 1000 rows), laid
/// out as x86 kernels print it (<c>%10u</c> columns, IR-PCI-MSI hwirq-edge, named rows with one
/// value). Counts grow with <paramref name="tick"/> on every other row, like a busy host.
/// </summary>
public static class SyntheticInterrupts
{
    public static string Text(int cpus, int numberedRows, int tick = 0)
    {
        var text = new StringBuilder(capacity: (cpus * 11 + 60) * (numberedRows + 20));
        text.Append("     ");
        for (var cpu = 0; cpu < cpus; cpu++)
        {
            text.Append(CultureInfo.InvariantCulture, $"CPU{cpu,-8}");
        }

        text.Append('\n');
        for (var row = 0; row < numberedRows; row++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{row + 24,4}:");
            for (var cpu = 0; cpu < cpus; cpu++)
            {
                var count = (ulong)((row * 7919) + (cpu * 104729)) % 100000 + (row % 2 == 0 ? (ulong)tick * (ulong)(cpu + 1) : 0);
                text.Append(CultureInfo.InvariantCulture, $" {count,10}");
            }

            var bus = row / 32;
            var function = row % 8;
            var hwirq = (bus << 19) | (function << 11);
            text.Append(CultureInfo.InvariantCulture, $"  IR-PCI-MSI {hwirq}-edge      nvme{bus}q{row % 32}, extra handler {row}\n");
        }

        foreach (var name in new[] { "NMI", "LOC", "SPU", "PMI", "IWI", "RTR", "RES", "CAL", "TLB", "TRM", "THR", "DFR", "MCE", "MCP", "HYP", "PIN", "NPI", "PIW" })
        {
            text.Append(CultureInfo.InvariantCulture, $"{name,4}:");
            for (var cpu = 0; cpu < cpus; cpu++)
            {
                text.Append(CultureInfo.InvariantCulture, $" {(ulong)(cpu * 31) + (ulong)tick,10}");
            }

            text.Append("   Synthetic interrupts\n");
        }

        text.Append(CultureInfo.InvariantCulture, $" ERR: {0,10}\n MIS: {tick,10}\n");
        return text.ToString();
    }
}
