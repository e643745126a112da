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

    // The previous text and where each of its rows lay in it: a row whose bytes did not change is
    // the previous row without parsing a single count (most rows of a real host, most seconds).
    private ReadOnlyMemory<byte> _previousText;
    private (int Start, int Length)[] _previousRows = [];
    private (int Start, int Length)[] _rows = [];

    /// <summary>Parses one file's text with a fresh parser (tests, one-off reads).</summary>
    public static InterruptTable Parse(string text) => new ProcInterruptsParser().Parse(Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// Parses the bytes of one read of the file; rows unchanged since the previous call are the previous
    /// objects. The parser compares the next read with these bytes, so they must stay as they are until
    /// the next call: a sampler alternates two buffers rather than copying megabytes each second.
    /// </summary>
    public InterruptTable Parse(ReadOnlyMemory<byte> memory)
    {
        var text = memory.Span;
        var (headerStart, headerEnd) = FindHeader(text);
        var header = text[headerStart..headerEnd];
        if (headerEnd == 0)
        {
            // Forget the header too: the columns cached for it belong to a table that is no longer the
            // previous one, and the next read with that header would otherwise get this table's no columns.
            _previousHeader = "";
            var empty = new InterruptTable([], [], CountNonBlankLines(text));
            Remember(empty, ReadOnlyMemory<byte>.Empty);
            return empty;
        }

        var cpus = ReadCpus(header);
        if (_counts.Length < cpus.Count)
        {
            _counts = new ulong[cpus.Count];
        }

        var rows = new List<InterruptLine>(Math.Max(_previous.Lines.Count, 16));
        var skipped = CountNonBlankLines(text[..headerStart]); // lines before the header are not rows
        var offset = Math.Min(text.Length, headerEnd + 1);
        var sameColumns = ReferenceEquals(cpus, _previous.Cpus);
        while (offset < text.Length)
        {
            var end = text[offset..].IndexOf((byte)'\n');
            end = end < 0 ? text.Length : offset + end;
            var line = text[offset..end];
            var lineStart = offset;
            offset = end + 1;
            if (line.Trim(" \t\r"u8).IsEmpty)
            {
                continue;
            }

            var index = rows.Count;
            var row = sameColumns && Unchanged(line, index) ? _previous.Lines[index] : TryParseRow(line, cpus.Count, index);
            if (row is null)
            {
                skipped++;
                continue;
            }

            if (_rows.Length == index)
            {
                Array.Resize(ref _rows, Math.Max(16, index * 2));
            }

            _rows[index] = (lineStart, line.Length);
            rows.Add(row);
        }

        var table = new InterruptTable(cpus, rows, skipped);
        Remember(table, memory);
        return table;
    }

    /// <summary>Whether the row at this index is byte for byte the previous read's row there.</summary>
    private bool Unchanged(ReadOnlySpan<byte> line, int index)
        => index < _previous.Lines.Count && _previousText.Span.Slice(_previousRows[index].Start, _previousRows[index].Length).SequenceEqual(line);

    private void Remember(InterruptTable table, ReadOnlyMemory<byte> text)
    {
        _previousText = text;
        (_previousRows, _rows) = (_rows, _previousRows);
        _previous = table;
        _previousByLabel = null;
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
        // The hot loop: a 256-CPU file has a quarter of a million counts. The kernel prints each as
        // " %10u" (or "%10u "), so they usually sit in 11-byte columns right after "N: ": those are
        // read ten bytes at a time. Anything else (named rows, a wider number) goes through the plain
        // loop below, which indexes with the length in each condition so the JIT drops bounds checks.
        var counts = _counts;
        var count = 0;
        var i = position;
        while (count < cpuCount && count < counts.Length && TryReadColumn(line, i + 1, out var column))
        {
            counts[count++] = column;
            i += 11;
            position = i;
        }

        while (count < cpuCount && count < counts.Length)
        {
            while (i < line.Length && line[i] is (byte)' ' or (byte)'\t')
            {
                i++;
            }

            var start = i;
            var value = 0UL;
            uint digit;
            while (i < line.Length && (digit = (uint)(line[i] - '0')) <= 9)
            {
                value = (value * 10) + digit;
                i++;
            }

            if (i == start || i - start > 19 || (i < line.Length && line[i] is not ((byte)' ' or (byte)'\t' or (byte)'\r')))
            {
                break; // not a count: the chip or a named row's description starts here
            }

            counts[count++] = value;
            position = i;
        }

        return count;
    }

    /// <summary>
    /// Reads a count printed as <c>%10u</c> at <paramref name="start"/>: a space before it, spaces then
    /// at least one digit in its ten bytes, and a space or the end after it. Eight of the ten bytes
    /// are checked and converted together (SWAR), the first two one by one.
    /// </summary>
    private static bool TryReadColumn(ReadOnlySpan<byte> line, int start, out ulong value)
    {
        value = 0;
        if (start + 10 > line.Length || line[start - 1] != (byte)' ' || (uint)(line[start + 9] - '0') > 9
            || (start + 10 < line.Length && line[start + 10] is not ((byte)' ' or (byte)'\t' or (byte)'\r')))
        {
            return false;
        }

        var (first, second) = (line[start], line[start + 1]);
        var chars = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(line.Slice(start + 2, 8));
        var bits = chars ^ 0x3030303030303030UL;                         // digits become 0x00-0x09, spaces 0x10
        if ((bits & 0xE0E0E0E0E0E0E0E0UL) != 0)
        {
            return false;
        }

        var spaces = ((bits >> 4) & 0x0101010101010101UL) * 0xFF;        // 0xFF in each byte that was a space
        var digits = bits & ~spaces;
        if ((bits & spaces & 0x0F0F0F0F0F0F0F0FUL) != 0                   // a 0x2X byte other than a space
            || (((digits & 0x0F0F0F0F0F0F0F0FUL) + 0x0606060606060606UL) & 0xF0F0F0F0F0F0F0F0UL) != 0 // a nibble above 9
            || (spaces & (spaces + 1)) != 0)                                 // a space after a digit
        {
            return false;
        }

        var firstIsDigit = (uint)(first - '0') <= 9;
        var secondIsDigit = (uint)(second - '0') <= 9;
        if ((!firstIsDigit && first != (byte)' ') || (!secondIsDigit && second != (byte)' ')
            || (firstIsDigit && !secondIsDigit) || (secondIsDigit && spaces != 0))
        {
            return false;
        }

        // Eight digits at once: pairs, then fours, then all eight (the first character is the lowest byte).
        digits = ((digits & 0x0F0F0F0F0F0F0F0FUL) * 2561) >> 8;
        digits = ((digits & 0x00FF00FF00FF00FFUL) * 6553601) >> 16;
        digits = ((digits & 0x0000FFFF0000FFFFUL) * 42949672960001) >> 32;
        var leading = (firstIsDigit ? (ulong)(first - '0') * 10 : 0) + (secondIsDigit ? (ulong)(second - '0') : 0);
        value = (leading * 100_000_000) + digits;
        return true;
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
