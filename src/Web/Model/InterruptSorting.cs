using Passthru.Core.Interrupts;

namespace Passthru.Web.Model;

/// <summary>The columns the interrupts table sorts by.</summary>
public enum InterruptSort
{
    /// <summary>As /proc/interrupts lists them: numbered IRQs first, in order, then the named ones.</summary>
    Irq,
    Total,
    Rate,
    Device,
}

public static class InterruptSorting
{
    /// <summary>The rows in the chosen order; the file's own order is the list as given.</summary>
    public static IReadOnlyList<InterruptRow> Sorted(IReadOnlyList<InterruptRow> rows, InterruptSort column, bool descending)
    {
        if (column == InterruptSort.Irq && !descending)
        {
            return rows;
        }

        IEnumerable<InterruptRow> ordered = column switch
        {
            InterruptSort.Total => rows.OrderBy(r => r.Line.Total),
            InterruptSort.Rate => rows.OrderBy(r => r.PerSecond ?? -1),
            InterruptSort.Device => rows.OrderBy(r => r.Owner is null).ThenBy(r => r.Owner?.Address),
            _ => rows,
        };
        return (descending ? ordered.Reverse() : ordered).ToArray();
    }
}
