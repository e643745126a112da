namespace Passthru.Core.Interrupts;

/// <summary>
/// One row of <c>/proc/interrupts</c>: a numbered IRQ (<c>37: ... IR-PCI-MSI 442368-edge snd_hda_intel:card0</c>)
/// or a named one (<c>LOC:</c>, <c>ERR:</c>). Counts are per CPU column, in header order; named rows
/// such as <c>ERR:</c> and <c>MIS:</c> carry a single value, so a row may have fewer counts than CPUs.
/// </summary>
public sealed record InterruptLine
{
    /// <summary>The label before the colon: "37", "LOC", "ERR".</summary>
    public required string Label { get; init; }

    /// <summary>The IRQ number for numbered rows; null for named rows.</summary>
    public int? Irq { get; init; }

    /// <summary>The counts the row has, in CPU column order.</summary>
    public required ulong[] Counts { get; init; }

    /// <summary>The irq chip (<c>IR-PCI-MSI</c>, <c>IO-APIC</c>, <c>GICv3</c>, <c>ITS-MSI</c>, <c>PCI-MSIX-0000:01:00.0</c>).</summary>
    public string? Chip { get; init; }

    /// <summary>The hardware IRQ number within the chip's domain (<c>442368</c>), when shown.</summary>
    public string? HardwareIrq { get; init; }

    /// <summary><c>edge</c>, <c>level</c>, <c>fasteoi</c>, ... when shown.</summary>
    public string? Trigger { get; init; }

    /// <summary>The handlers' names (<c>PCIe PME, aerdrv</c>, <c>vfio-msi[0](0000:00:1b.0)</c>), or a named row's description.</summary>
    public string? Actions { get; init; }

    /// <summary>
    /// Everything after the counts, as printed. Two samples of one IRQ with a different tail are
    /// different interrupts (the number was freed and given to another device), so rates restart.
    /// </summary>
    public required string Tail { get; init; }

    public required ulong Total { get; init; }

    /// <summary>The count for a CPU column, or null when the row has no value there.</summary>
    public ulong? CountAt(int column) => column < Counts.Length ? Counts[column] : null;
}

/// <summary>A whole <c>/proc/interrupts</c>: the CPU columns, the rows, and how many lines could not be read.</summary>
public sealed record InterruptTable(IReadOnlyList<string> Cpus, IReadOnlyList<InterruptLine> Lines, int SkippedLines)
{
    public static readonly InterruptTable Empty = new([], [], 0);
}
