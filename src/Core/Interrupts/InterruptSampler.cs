using Microsoft.Win32.SafeHandles;
using Passthru.Core.Host;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;

namespace Passthru.Core.Interrupts;

/// <summary>
/// Reads <c>proc/interrupts</c> under the host root and compares each read with the one before:
/// per row and per device, what was counted and at what rate. Rows appear and vanish as guests
/// enable MSI; a row whose number now belongs to another interrupt (its chip or handler changed)
/// starts afresh rather than showing a jump. Not thread-safe: one sampler per producer.
/// </summary>
public sealed class InterruptSampler(HostRoot root, TimeProvider timeProvider) : IInterruptSampler
{
    private readonly ProcInterruptsParser _parser = new();
    // Two read buffers in turn: the parser compares each read with the previous one, which must stay intact.
    private byte[] _buffer = new byte[16 * 1024];
    private byte[] _previousBuffer = new byte[16 * 1024];
    private SafeFileHandle? _proc;
    private InterruptTable _previousTable = InterruptTable.Empty;
    private DateTimeOffset _previousAt;
    private HostSnapshot? _mappedHost;
    private IReadOnlyDictionary<string, DeviceInterrupt> _map = new Dictionary<string, DeviceInterrupt>();

    public InterruptSample Sample(HostSnapshot host)
    {
        var at = timeProvider.GetUtcNow();
        if (!TryRead(out var length, out var problem))
        {
            _previousTable = InterruptTable.Empty;
            return InterruptSample.None with { At = at, Problem = problem };
        }

        var table = _parser.Parse(_buffer.AsMemory(0, length));
        (_buffer, _previousBuffer) = (_previousBuffer, _buffer);
        var elapsed = _previousTable.Lines.Count > 0 ? at - _previousAt : TimeSpan.Zero;
        if (!ReferenceEquals(host, _mappedHost) || !SameRows(_previousTable, table))
        {
            _map = InterruptDeviceMapper.Map(table, InterruptOwners.Read(root, host));
            _mappedHost = host;
        }

        var previousByLabel = PreviousByLabel(table);
        var rows = new InterruptRow[table.Lines.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var line = table.Lines[i];
            var previous = previousByLabel(i, line);
            var delta = previous is null ? 0 : InterruptRates.Delta(previous.Counts, line.Counts);
            double? rate = previous is null || elapsed <= TimeSpan.Zero ? null : InterruptRates.PerSecond(delta, elapsed);
            rows[i] = new InterruptRow(line, _map.GetValueOrDefault(line.Label), previous, delta, rate);
        }

        var sample = new InterruptSample
        {
            At = at,
            Elapsed = elapsed,
            Cpus = table.Cpus,
            Rows = rows,
            Devices = ByDevice(rows, elapsed),
            SkippedLines = table.SkippedLines,
        };
        _previousTable = table;
        _previousAt = at;
        return sample;
    }

    /// <summary>
    /// The previous read's row for each row: same label and same tail (chip, hwirq, handlers). Looked
    /// up by index first, since rows rarely move. After a CPU came or went, columns no longer line up,
    /// so nothing is compared for one sample.
    /// </summary>
    private Func<int, InterruptLine, InterruptLine?> PreviousByLabel(InterruptTable table)
    {
        var before = _previousTable;
        if (!before.Cpus.SequenceEqual(table.Cpus, StringComparer.Ordinal))
        {
            return (_, _) => null;
        }

        Dictionary<string, InterruptLine>? byLabel = null;
        return (index, line) =>
        {
            var candidate = index < before.Lines.Count && before.Lines[index].Label == line.Label
                ? before.Lines[index]
                : (byLabel ??= before.Lines.DistinctBy(l => l.Label).ToDictionary(l => l.Label, StringComparer.Ordinal)).GetValueOrDefault(line.Label);
            return candidate is not null && candidate.Tail == line.Tail ? candidate : null;
        };
    }

    /// <summary>Whether two reads have the same rows (labels and tails): then the device mapping still holds.</summary>
    private static bool SameRows(InterruptTable before, InterruptTable after)
    {
        if (before.Lines.Count != after.Lines.Count)
        {
            return false;
        }

        for (var i = 0; i < after.Lines.Count; i++)
        {
            if (before.Lines[i].Label != after.Lines[i].Label || before.Lines[i].Tail != after.Lines[i].Tail)
            {
                return false;
            }
        }

        return true;
    }

    private static Dictionary<PciAddress, DeviceInterruptRate> ByDevice(InterruptRow[] rows, TimeSpan elapsed)
    {
        var devices = new Dictionary<PciAddress, DeviceInterruptRate>();
        foreach (var row in rows)
        {
            if (row.Owner is not { } owner)
            {
                continue;
            }

            var sum = devices.GetValueOrDefault(owner.Address) ?? new DeviceInterruptRate(owner.Address, 0, 0, elapsed > TimeSpan.Zero ? 0 : null, 0);
            devices[owner.Address] = sum with
            {
                Total = sum.Total + row.Line.Total,
                Delta = sum.Delta + row.Delta,
                PerSecond = sum.PerSecond + (row.PerSecond ?? 0),
                Lines = sum.Lines + 1,
            };
        }

        return devices;
    }

    private bool TryRead(out int length, out string? problem)
    {
        length = 0;
        problem = null;
        _proc ??= NativeFile.OpenDirectory(root.Resolve("proc"), out _);
        if (_proc.IsInvalid)
        {
            _proc.Dispose();
            _proc = null;
            problem = $"{root.Resolve("proc")} cannot be opened.";
            return false;
        }

        var outcome = NativeFile.TryReadInto(_proc, "interrupts", ref _buffer, out length, out var errno);
        if (outcome != NativeFile.Outcome.Read)
        {
            problem = $"{root.Resolve("proc/interrupts")}: {(outcome == NativeFile.Outcome.Absent ? "missing" : NativeFile.Describe(errno))}.";
            return false;
        }

        return true;
    }

    public void Dispose() => _proc?.Dispose();
}
