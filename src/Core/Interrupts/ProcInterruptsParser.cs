using System.Globalization;
using System.Text;

namespace Passthru.Core.Interrupts;

/// <summary>
/// Parses <c>/proc/interrupts</c> as x86 and ARM kernels print it. The header names the CPU
/// columns (offline CPUs leave gaps: CPU0 CPU2); each row has a label, up to one count per column,
/// and for numbered rows the chip, the hardware IRQ with its trigger (<c>442368-edge</c> on x86,
/// <c>27 Level</c> on ARM) and the action names, which may hold spaces and commas. A line that
/// cannot be read is skipped and counted, never fatal.
/// </summary>
/// <remarks>
/// A sampler parses the file every second, and a 256-CPU host prints megabytes of it. So the bytes
/// are parsed in place (no string per count), and one parser instance remembers its previous
/// table: a row whose text did not change is the previous row object, and a changed row reuses the
/// previous strings. In steady state only the rows that counted something allocate.
/// </remarks>
public sealed class ProcInterruptsParser
{
    private static readonly string[] Triggers = ["edge", "level", "fasteoi", "simple", "percpu", "none"];

    private InterruptTable _previous = InterruptTable.Empty;
    private string _previousHeader = "";
    private Dictionary<string, InterruptLine>? _previousByLabel;
    private ulong[] _counts = new ulong[64];

    /// <summary>Parses one file's text with a fresh parser (tests, one-off reads).</summary>
    public static InterruptTable Parse(string text) => new ProcInterruptsParser().Parse(Encoding.UTF8.GetBytes(text));

    /// <summary>Parses the bytes of one read of the file; rows unchanged since the previous call are the previous objects.</summary>
    public InterruptTable Parse(ReadOnlySpan<byte> text)
    {
        var (headerStart, headerEnd) = FindHeader(text);
        var header = text[headerStart..headerEnd];
        if (headerEnd == 0)
        {
            _previous = new InterruptTable([], [], CountNonBlankLines(text));
            _previousByLabel = null;
            return _previous;
        }

        var cpus = ReadCpus(header);
        if (_counts.Length < cpus.Count)
        {
            _counts = new ulong[cpus.Count];
        }

        var rows = new List<InterruptLine>(Math.Max(_previous.Lines.Count, 16));
        var skipped = CountNonBlankLines(text[..headerStart]); // lines before the header are not rows
        var rest = text[Math.Min(text.Length, headerEnd + 1)..];
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (line.Trim(" \t\r"u8).IsEmpty)
            {
                continue;
            }

            if (TryParseRow(line, cpus.Count, rows.Count) is { } row)
            {
                rows.Add(row);
            }
            else
            {
                skipped++;
            }
        }

        var table = new InterruptTable(cpus, rows, skipped);
        _previous = table;
        _previousByLabel = null;
        return table;
    }

    /// <summary>Where the CPU header line starts and ends; (0, 0) when there is none.</summary>
    private static (int Start, int End) FindHeader(ReadOnlySpan<byte> text)
    {
        var offset = 0;
        while (offset < text.Length)
        {
            var end = text[offset..].IndexOf((byte)'\n');
            end = end < 0 ? text.Length : offset + end;
            var line = text[offset..end];
            if (line.TrimStart(" \t"u8).StartsWith("CPU"u8))
            {
                return (offset, end);
            }

            offset = end + 1;
        }

        return (0, 0);
    }

    private IReadOnlyList<string> ReadCpus(ReadOnlySpan<byte> header)
    {
        if (Ascii.Equals(header, _previousHeader))
        {
            return _previous.Cpus;
        }

        _previousHeader = Encoding.ASCII.GetString(header);
        return _previousHeader.Split((char[])[' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
    }

    private static int CountNonBlankLines(ReadOnlySpan<byte> text)
    {
        var count = 0;
        foreach (var range in text.Split((byte)'\n'))
        {
            count += text[range].Trim(" \t\r"u8).IsEmpty ? 0 : 1;
        }

        return count;
    }

    private InterruptLine? TryParseRow(ReadOnlySpan<byte> line, int cpuCount, int index)
    {
        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            return null;
        }

        var label = line[..colon].Trim(" \t"u8);
        if (label.IsEmpty || label.IndexOfAny(" \t"u8) >= 0)
        {
            return null;
        }

        var position = colon + 1;
        var count = ReadCounts(line, cpuCount, ref position);
        if (count == 0)
        {
            return null;
        }

        var counts = _counts.AsSpan(0, count);
        var tail = line[position..].Trim(" \t\r"u8);
        var previous = FindPrevious(label, index);
        if (previous is not null && Ascii.Equals(tail, previous.Tail) && counts.SequenceEqual(previous.Counts))
        {
            return previous; // nothing happened on this row since the last sample
        }

        var total = 0UL;
        foreach (var value in counts)
        {
            total += value;
        }

        if (previous is not null && Ascii.Equals(tail, previous.Tail))
        {
            return previous with { Counts = counts.ToArray(), Total = total };
        }

        var labelText = previous?.Label ?? Encoding.ASCII.GetString(label);
        int? irq = int.TryParse(label, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
        var tailText = Encoding.UTF8.GetString(tail);
        if (irq is null)
        {
            return new InterruptLine { Label = labelText, Counts = counts.ToArray(), Total = total, Tail = tailText, Actions = tailText.Length > 0 ? tailText : null };
        }

        return ParseNumberedTail(labelText, irq.Value, counts.ToArray(), total, tailText);
    }

    /// <summary>
    /// Reads up to <paramref name="cpuCount"/> decimal counts from <paramref name="position"/>. A token
    /// that is not all digits ends the counts and stays unread: it is the chip or the description.
    /// </summary>
    private int ReadCounts(ReadOnlySpan<byte> line, int cpuCount, ref int position)
    {
        var count = 0;
        while (count < cpuCount)
        {
            var skip = line[position..].IndexOfAnyExcept(" \t"u8);
            if (skip < 0)
            {
                break;
            }

            var start = position + skip;
            var end = start;
            var value = 0UL;
            while (end < line.Length && (uint)(line[end] - '0') <= 9 && end - start < 19)
            {
                value = (value * 10) + (uint)(line[end] - '0');
                end++;
            }

            if (end == start || (end < line.Length && line[end] is not ((byte)' ' or (byte)'\t' or (byte)'\r')))
            {
                break;
            }

            _counts[count++] = value;
            position = end;
        }

        return count;
    }

    /// <summary>The previous sample's row with this label: usually at the same index, else looked up.</summary>
    private InterruptLine? FindPrevious(ReadOnlySpan<byte> label, int index)
    {
        var lines = _previous.Lines;
        if (index < lines.Count && Ascii.Equals(label, lines[index].Label))
        {
            return lines[index];
        }

        if (lines.Count == 0 || label.Length > 64)
        {
            return null;
        }

        _previousByLabel ??= lines.GroupBy(l => l.Label, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        Span<char> chars = stackalloc char[label.Length];
        Ascii.ToUtf16(label, chars, out _);
        return _previousByLabel.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars, out var found) ? found : null;
    }

    private static InterruptLine ParseNumberedTail(string label, int irq, ulong[] counts, ulong total, string tail)
    {
        string? chip = null, hardwareIrq = null, trigger = null;
        var position = 0;
        if (NextToken(tail, ref position, out var chipToken))
        {
            chip = chipToken;
            var afterChip = position;
            if (NextToken(tail, ref position, out var next))
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
                    if (NextToken(tail, ref position, out var armTrigger) && IsTrigger(armTrigger))
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

        var actions = position < tail.Length ? tail[position..].Trim() : "";
        return new InterruptLine
        {
            Label = label,
            Irq = irq,
            Counts = counts,
            Total = total,
            Tail = tail,
            Chip = chip,
            HardwareIrq = hardwareIrq,
            Trigger = trigger,
            Actions = actions.Length > 0 ? actions : null,
        };
    }

    private static bool IsTrigger(string token) => Triggers.Contains(token, StringComparer.OrdinalIgnoreCase);

    /// <summary>The next space-separated token from <paramref name="position"/>, which moves past it.</summary>
    private static bool NextToken(string text, ref int position, out string token)
    {
        var start = position;
        while (start < text.Length && text[start] is ' ' or '\t' or '\r')
        {
            start++;
        }

        var end = start;
        while (end < text.Length && text[end] is not (' ' or '\t' or '\r'))
        {
            end++;
        }

        token = text[start..end];
        position = end;
        return token.Length > 0;
    }
}
