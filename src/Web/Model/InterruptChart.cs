using System.Globalization;
using Passthru.Core.History;
using Passthru.Core.Interrupts;
using Passthru.Core.Pci;

namespace Passthru.Web.Model;

/// <summary>The time spans the interrupt chart offers: the live samples of the open page, or the stored per-minute history.</summary>
public enum ChartRange
{
    Live,
    SixHours,
    Day,
    Week,
}

/// <summary>One device's line: its rate in each of the chart's buckets, null where it has no reading.</summary>
public sealed record RateSeries(PciAddress Address, IReadOnlyList<double?> PerSecond);

/// <summary>
/// What the rate chart draws: one time axis shared by every line (oldest bucket first, the newest
/// ending now), and a line per device averaged into those buckets. A new object each time: MudBlazor's
/// chart redraws when it is handed new data, never a list changed in place.
/// </summary>
public sealed record RateChart(ChartRange Range, IReadOnlyList<string> Labels, IReadOnlyList<RateSeries> Series)
{
    /// <summary>
    /// Each range's buckets: how wide, how many (the span, and one more for "now"), and every how many
    /// buckets the axis writes a label, so that six round labels stand under the line (-10 min, -8 min … now).
    /// </summary>
    public static (TimeSpan Width, int Buckets, int LabelEvery) Shape(ChartRange range) => range switch
    {
        ChartRange.SixHours => (TimeSpan.FromMinutes(5), 73, 12),
        ChartRange.Day => (TimeSpan.FromMinutes(15), 97, 16),
        ChartRange.Week => (TimeSpan.FromHours(2), 85, 12),
        _ => (TimeSpan.FromSeconds(20), 31, 6),
    };

    /// <summary>How far back the range looks.</summary>
    public static TimeSpan Span(ChartRange range) => Shape(range) is var (width, buckets, _) ? width * buckets : TimeSpan.Zero;

    public int LabelInterval => Shape(Range).LabelEvery;

    /// <summary>Averages readings (a device, when, its rate) into the range's buckets; the last one ends at <paramref name="now"/>.</summary>
    public static RateChart Of(ChartRange range, IReadOnlyList<PciAddress> devices, IEnumerable<(PciAddress Address, DateTimeOffset At, double PerSecond)> readings,
        DateTimeOffset now)
    {
        var (width, count, _) = Shape(range);
        var sums = devices.Distinct().ToDictionary(d => d, _ => new (double Sum, int Count)[count]);
        foreach (var (address, at, perSecond) in readings)
        {
            var bucket = count - 1 - (int)Math.Floor((now - at) / width);
            if (bucket >= 0 && bucket < count && sums.TryGetValue(address, out var buckets))
            {
                buckets[bucket] = (buckets[bucket].Sum + perSecond, buckets[bucket].Count + 1);
            }
        }

        var labels = Enumerable.Range(0, count).Select(i => Label(range, width * (count - 1 - i))).ToArray();
        var series = sums.Select(s => new RateSeries(s.Key, s.Value.Select(b => b.Count == 0 ? (double?)null : b.Sum / b.Count).ToArray())).ToArray();
        return new RateChart(range, labels, series);
    }

    private static string Label(ChartRange range, TimeSpan ago) => ago == TimeSpan.Zero
        ? "now"
        : range switch
        {
            ChartRange.Live => string.Create(CultureInfo.InvariantCulture, $"-{ago.TotalMinutes:0.#} min"),
            ChartRange.Week => string.Create(CultureInfo.InvariantCulture, $"-{ago.TotalDays:0.#} d"),
            _ => string.Create(CultureInfo.InvariantCulture, $"-{ago.TotalHours:0.#} h"),
        };

    public static RateChart FromHistory(ChartRange range, IReadOnlyList<PciAddress> devices, IEnumerable<InterruptMinute> minutes, DateTimeOffset now)
        => Of(range, devices, minutes.Select(m => (m.Address, m.Minute, m.PerSecond)), now);
}

/// <summary>
/// The rates the open page has seen, per device, for the chart's live range: a ring of the last
/// <see cref="Capacity"/> samples per device, so a page left open for days holds ten minutes, not days.
/// </summary>
public sealed class LiveRateBuffer
{
    public const int Capacity = 600;

    private readonly Dictionary<PciAddress, Queue<(DateTimeOffset At, double PerSecond)>> _points = [];

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
                _points[device.Address] = queue = new Queue<(DateTimeOffset, double)>();
            }

            if (queue.Count == Capacity)
            {
                queue.Dequeue();
            }

            queue.Enqueue((sample.At, device.PerSecond ?? 0));
        }
    }

    /// <summary>The last ten minutes of <paramref name="devices"/>, ending at <paramref name="now"/>.</summary>
    public RateChart Chart(IReadOnlyList<PciAddress> devices, DateTimeOffset now)
        => RateChart.Of(ChartRange.Live, devices,
            devices.SelectMany(d => _points.TryGetValue(d, out var queue) ? queue.Select(p => (d, p.At, p.PerSecond)) : []), now);
}
