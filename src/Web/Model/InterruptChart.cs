using Passthru.Core.History;
using Passthru.Core.Interrupts;
using Passthru.Core.Pci;

namespace Passthru.Web.Model;

/// <summary>One point of a rate chart.</summary>
public sealed record RatePoint(DateTime Time, double PerSecond);

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

    private readonly Dictionary<PciAddress, Queue<RatePoint>> _points = [];

    public void Add(InterruptSample sample)
    {
        if (!sample.HasRates)
        {
            return;
        }

        foreach (var device in sample.Devices.Values)
        {
            if (!_points.TryGetValue(device.Address, out var queue))
            {
                _points[device.Address] = queue = new Queue<RatePoint>();
            }

            if (queue.Count == Capacity)
            {
                queue.Dequeue();
            }

            queue.Enqueue(new RatePoint(sample.At.UtcDateTime, device.PerSecond ?? 0));
        }
    }

    /// <summary>A new array each time: Radzen's chart redraws only when its Data is a new collection.</summary>
    public RatePoint[] PointsOf(PciAddress address) => _points.TryGetValue(address, out var queue) ? queue.ToArray() : [];

    public static TimeSpan Span(ChartRange range) => range switch
    {
        ChartRange.SixHours => TimeSpan.FromHours(6),
        ChartRange.Day => TimeSpan.FromDays(1),
        ChartRange.Week => TimeSpan.FromDays(7),
        _ => TimeSpan.FromMinutes(10),
    };

    public static RatePoint[] FromHistory(IEnumerable<InterruptMinute> minutes, PciAddress address)
        => minutes.Where(m => m.Address == address).Select(m => new RatePoint(m.Minute.UtcDateTime, m.PerSecond)).ToArray();
}
