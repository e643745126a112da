using Passthru.Core.Pci;

namespace Passthru.Core.Interrupts;

/// <summary>One row of a sample: the line as read, the device it belongs to, and what it counted since the previous sample.</summary>
/// <param name="Previous">The same interrupt in the previous sample (for highlighting changed cells); null when it is new.</param>
/// <param name="PerSecond">Null on the first sample and when the row is new: there is nothing to compare with yet.</param>
public sealed record InterruptRow(InterruptLine Line, DeviceInterrupt? Owner, InterruptLine? Previous, ulong Delta, double? PerSecond);

/// <summary>All of one device's rows together.</summary>
public sealed record DeviceInterruptRate(PciAddress Address, ulong Total, ulong Delta, double? PerSecond, int Lines);

/// <summary>One read of <c>/proc/interrupts</c>, compared with the previous read.</summary>
public sealed record InterruptSample
{
    public static readonly InterruptSample None = new() { At = DateTimeOffset.MinValue, Cpus = [], Rows = [], Devices = new Dictionary<PciAddress, DeviceInterruptRate>() };

    public required DateTimeOffset At { get; init; }

    /// <summary>Time since the previous sample; zero for the first one.</summary>
    public TimeSpan Elapsed { get; init; }

    public required IReadOnlyList<string> Cpus { get; init; }

    public required IReadOnlyList<InterruptRow> Rows { get; init; }

    public required IReadOnlyDictionary<PciAddress, DeviceInterruptRate> Devices { get; init; }

    /// <summary>Lines of the file that could not be read (skipped, never fatal).</summary>
    public int SkippedLines { get; init; }

    /// <summary>Why the file could not be read at all, or null.</summary>
    public string? Problem { get; init; }

    public bool HasRates => Elapsed > TimeSpan.Zero;

    public IEnumerable<InterruptRow> RowsOf(PciAddress address) => Rows.Where(r => r.Owner?.Address == address);

    /// <summary>This read as a first read shows it: the counts, with nothing compared (no deltas, no rates).</summary>
    public InterruptSample WithoutRates() => this with
    {
        Elapsed = TimeSpan.Zero,
        Rows = Rows.Select(r => r with { Previous = null, Delta = 0, PerSecond = null }).ToArray(),
        Devices = Devices.Values.ToDictionary(d => d.Address, d => d with { Delta = 0, PerSecond = null }),
    };
}
