using System.Globalization;

namespace Passthru.Core.Interrupts;

/// <summary>
/// Parses <c>/proc/interrupts</c> as x86 and ARM kernels print it. The header names the CPU
/// columns (offline CPUs leave gaps: CPU0 CPU2); each row has a label, up to one count per column,
/// and for numbered rows the chip, the hardware IRQ with its trigger (<c>442368-edge</c> on x86,
/// <c>27 Level</c> on ARM) and the action names, which may hold spaces and commas. A line that
/// cannot be read is skipped and counted, never fatal.
/// </summary>
public static class ProcInterruptsParser
{
    private static readonly string[] Triggers = ["edge", "level", "fasteoi", "simple", "percpu", "none"];

    public static InterruptTable Parse(string text)
    {
        var lines = text.Split('\n');
        var header = lines.FirstOrDefault(l => l.TrimStart().StartsWith("CPU", StringComparison.Ordinal));
        if (header is null)
        {
            return new InterruptTable([], [], lines.Count(l => l.Trim().Length > 0));
        }

        var cpus = header.Split((char[])[' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
        var rows = new List<InterruptLine>();
        var skipped = 0;
        foreach (var line in lines)
        {
            if (ReferenceEquals(line, header) || line.Trim().Length == 0)
            {
                continue;
            }

            if (TryParseRow(line, cpus.Length) is { } row)
            {
                rows.Add(row);
            }
            else
            {
                skipped++;
            }
        }

        return new InterruptTable(cpus, rows, skipped);
    }

    private static InterruptLine? TryParseRow(string line, int cpuCount)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return null;
        }

        var label = line[..colon].Trim();
        if (label.Length == 0 || label.Contains(' ', StringComparison.Ordinal))
        {
            return null;
        }

        int? irq = int.TryParse(label, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
        var position = colon + 1;
        var counts = new List<ulong?>(cpuCount);
        while (counts.Count < cpuCount && NextToken(line, ref position, out var token, peek: true))
        {
            if (!ulong.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                break;
            }

            NextToken(line, ref position, out _, peek: false);
            counts.Add(count);
        }

        if (counts.Count == 0)
        {
            return null;
        }

        while (counts.Count < cpuCount)
        {
            counts.Add(null); // ERR:, MIS: carry one total, not one per CPU
        }

        if (irq is null)
        {
            var description = line[position..].Trim();
            return new InterruptLine { Label = label, PerCpu = counts, Actions = description.Length > 0 ? description : null };
        }

        return ParseNumberedTail(label, irq.Value, counts, line, position);
    }

    private static InterruptLine ParseNumberedTail(string label, int irq, List<ulong?> counts, string line, int position)
    {
        string? chip = null, hardwareIrq = null, trigger = null;
        if (NextToken(line, ref position, out var chipToken, peek: false))
        {
            chip = chipToken;
            var afterChip = position;
            if (NextToken(line, ref position, out var next, peek: false))
            {
                var dash = next.LastIndexOf('-');
                if (dash > 0 && IsTrigger(next[(dash + 1)..]))
                {
                    // x86: "442368-edge"
                    (hardwareIrq, trigger) = (next[..dash], next[(dash + 1)..]);
                }
                else if (IsTrigger(next))
                {
                    trigger = next; // older x86: "IO-APIC   edge" style
                }
                else if (ulong.TryParse(next, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    // ARM: "27 Level"
                    hardwareIrq = next;
                    var afterIrq = position;
                    if (NextToken(line, ref position, out var armTrigger, peek: false) && IsTrigger(armTrigger))
                    {
                        trigger = armTrigger;
                    }
                    else
                    {
                        position = afterIrq;
                    }
                }
                else
                {
                    position = afterChip; // no hwirq column: the rest is the action list
                }
            }
        }

        var actions = position < line.Length ? line[position..].Trim() : "";
        return new InterruptLine
        {
            Label = label,
            Irq = irq,
            PerCpu = counts,
            Chip = chip,
            HardwareIrq = hardwareIrq,
            Trigger = trigger,
            Actions = actions.Length > 0 ? actions : null,
        };
    }

    private static bool IsTrigger(string token) => Triggers.Contains(token.ToLowerInvariant());

    /// <summary>The next space-separated token from <paramref name="position"/>; with <paramref name="peek"/> the position stays.</summary>
    private static bool NextToken(string line, ref int position, out string token, bool peek)
    {
        var start = position;
        while (start < line.Length && line[start] is ' ' or '\t' or '\r')
        {
            start++;
        }

        var end = start;
        while (end < line.Length && line[end] is not (' ' or '\t' or '\r'))
        {
            end++;
        }

        token = line[start..end];
        if (!peek)
        {
            position = end;
        }

        return token.Length > 0;
    }
}
