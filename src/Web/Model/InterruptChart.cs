using Passthru.Core.History;
using Passthru.Core.Interrupts;
using Passthru.Core.Pci;

namespace Passthru.Web.Model;

/// <summary>One point of a rate chart: how long ago, in the chart's unit (minutes for the live range, hours for the stored ones).</summary>
public sealed record RatePoint(double Ago, double PerSecond);

/// <summary>The time spans the interrupt chart offers: the live samples of the open page, or the stored per-minute history.</summary>
public enum ChartRange
{
    Live,
    SixHours,
    Day,
    Week,
}

/// <summary>
/// The rates the open page has seen, per device, for the chart's live range: a ring of the last
/// <see cref="Capacity"/> samples per device, so a page left open for days holds ten minutes, not days.
/// </summary>
public sealed class LiveRateBuffer
{
    public const int Capacity = 600;

    private readonly Dictionary<PciAddress, Queue<TimedRate>> _points = [];

    /// <summary>How many samples with rates were added (the first sample of a page has none).</summary>
    public int Samples { get; private set; }

    public void Add(InterruptSample sample)
    {
        if (!sample.HasRates)
        {
            return;
        }

        Samples++;
        foreach (var device in sample.Devices.Values)
        {
            if (!_points.TryGetValue(device.Address, out var queue))
            {
                _points[device.Address] = queue = new Queue<TimedRate>();
            }

            if (queue.Count == Capacity)
            {
                queue.Dequeue();
            }

            queue.Enqueue(new TimedRate(sample.At, device.PerSecond ?? 0));
        }
    }

    /// <summary>At most this many points per line: a ten-minute line at one sample a second is averaged over ten seconds.</summary>
    public const int MaxPointsPerLine = 60;

    /// <summary>
    /// Minutes before <paramref name="now"/>, averaged in buckets so a line has at most <see cref="MaxPointsPerLine"/>
    /// points; a new array each time: Radzen's chart redraws only when its Data is a new collection.
    /// </summary>
    public RatePoint[] PointsOf(PciAddress address, DateTimeOffset now)
    {
        if (!_points.TryGetValue(address, out var queue))
        {
            return [];
        }

        var bucket = (queue.Count + MaxPointsPerLine - 1) / MaxPointsPerLine;
        return queue.Chunk(Math.Max(1, bucket))
            .Select(chunk => new RatePoint(-(now - chunk[^1].At).TotalMinutes, chunk.Average(p => p.PerSecond)))
            .ToArray();
    }

    public static TimeSpan Span(ChartRange range) => range switch
    {
        ChartRange.SixHours => TimeSpan.FromHours(6),
        ChartRange.Day => TimeSpan.FromDays(1),
        ChartRange.Week => TimeSpan.FromDays(7),
        _ => TimeSpan.FromMinutes(10),
    };

    /// <summary>Hours before <paramref name="now"/>.</summary>
    public static RatePoint[] FromHistory(IEnumerable<InterruptMinute> minutes, PciAddress address, DateTimeOffset now)
        => minutes.Where(m => m.Address == address).Select(m => new RatePoint(-(now - m.Minute).TotalHours, m.PerSecond)).ToArray();

    private sealed record TimedRate(DateTimeOffset At, double PerSecond);
}
