using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Passthru.Core.History;
using Passthru.Core.Interrupts;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;
using Passthru.Web.Configuration;
using Passthru.Web.Model;

namespace Passthru.Web.Components.Pages;

/// <summary>Which rows the table shows.</summary>
public enum InterruptFilter
{
    Vfio,
    Device,
    All,
}

/// <summary>
/// /proc/interrupts live, like <c>watch -d grep vfio /proc/interrupts</c> but per device: counts per
/// CPU with the cells that changed since the last sample highlighted, a rate column, and a chart of
/// the selected devices' rates over the last minutes (live) or hours (stored history).
/// </summary>
public partial class Interrupts : LiveComponentBase
{
    [Inject]
    public required InterruptHistory History { get; init; }

    [Inject]
    public required IOptions<PassthruOptions> Options { get; init; }

    [Inject]
    public required TimeProvider TimeProvider { get; init; }

    [SupplyParameterFromQuery(Name = "device")]
    public string? DeviceQuery { get; set; }

    internal InterruptSample Sample { get; private set; } = InterruptSample.None;
    internal HostSnapshot? Host { get; private set; }
    internal InterruptFilter Filter { get; set; } = InterruptFilter.All;
    internal PciAddress? FilterDevice { get; set; }
    internal bool ShowPerCpu { get; set; }
    internal ChartRange Range { get; private set; } = ChartRange.Live;
    internal IReadOnlyList<PciAddress> ChartDevices { get; set; } = [];
    internal IReadOnlyDictionary<PciAddress, RatePoint[]> ChartSeries { get; private set; } = new Dictionary<PciAddress, RatePoint[]>();
    internal string? HistoryProblem { get; private set; }

    private readonly LiveRateBuffer _live = new();
    private IReadOnlyList<InterruptMinute> _stored = [];
    private DateTimeOffset _storedReadAt;
    private bool _initialised;

    internal IEnumerable<InterruptRow> VisibleRows => Filter switch
    {
        InterruptFilter.Vfio => Sample.Rows.Where(r => r.Owner?.Source == InterruptSource.Vfio),
        InterruptFilter.Device when FilterDevice is { } address => Sample.RowsOf(address),
        _ => Sample.Rows,
    };

    /// <summary>Devices that raise interrupts, with their names, for the filter and the chart's choice.</summary>
    internal IReadOnlyList<DeviceChoice> DeviceChoices => Sample.Devices.Keys.Order()
        .Select(a => new DeviceChoice(a, $"{a} {Host?.Find(a)?.DisplayName}".TrimEnd()))
        .ToArray();

    internal string SamplePeriod => string.Create(CultureInfo.InvariantCulture, $"{Options.Value.InterruptSampleMs / 1000.0:0.#} s");

    protected override void OnInitialized()
    {
        if (DeviceQuery is not null && PciAddress.TryParse(DeviceQuery, out var address))
        {
            (Filter, FilterDevice, ChartDevices) = (InterruptFilter.Device, address, [address]);
        }
    }

    protected override async Task OnLiveStateAsync(LiveState state)
    {
        Sample = state.Interrupts;
        Host = state.Host;
        _live.Add(Sample);
        if (!_initialised && Sample.Rows.Count > 0)
        {
            _initialised = true;
            if (FilterDevice is null && Sample.Rows.Any(r => r.Owner?.Source == InterruptSource.Vfio))
            {
                Filter = InterruptFilter.Vfio; // a guest is using a device: that is what this page is for
            }

            ShowPerCpu = Sample.Cpus.Count <= 16;
            if (ChartDevices.Count == 0)
            {
                ChartDevices = DefaultChartDevices();
            }
        }

        await RefreshChartAsync(force: false);
    }

    /// <summary>The devices a guest uses, else the three busiest.</summary>
    private IReadOnlyList<PciAddress> DefaultChartDevices()
    {
        var guests = Sample.Rows.Where(r => r.Owner?.Source == InterruptSource.Vfio).Select(r => r.Owner!.Address).Distinct().ToArray();
        return guests.Length > 0
            ? guests
            : Sample.Devices.Values.OrderByDescending(d => d.Total).Take(3).Select(d => d.Address).ToArray();
    }

    internal async Task OnRangeChangedAsync(ChartRange range)
    {
        Range = range;
        await RefreshChartAsync(force: true);
    }

    internal async Task OnChartDevicesChangedAsync(IEnumerable<PciAddress>? devices)
    {
        ChartDevices = devices?.ToArray() ?? [];
        await RefreshChartAsync(force: true);
    }

    private async Task RefreshChartAsync(bool force)
    {
        if (Range == ChartRange.Live)
        {
            ChartSeries = ChartDevices.ToDictionary(a => a, a => _live.PointsOf(a, Sample.At));
            return;
        }

        // Stored minutes change once a minute: read them when asked and then at most every 30 s.
        var now = TimeProvider.GetUtcNow();
        if (force || now - _storedReadAt > TimeSpan.FromSeconds(30))
        {
            _storedReadAt = now;
            try
            {
                _stored = await History.ReadAsync(ChartDevices, now - LiveRateBuffer.Span(Range));
                HistoryProblem = null;
            }
            catch (HistoryUnavailableException ex)
            {
                HistoryProblem = ex.Message;
                _stored = [];
            }
        }

        ChartSeries = ChartDevices.ToDictionary(a => a, a => LiveRateBuffer.FromHistory(_stored, a, now));
    }

    /// <summary>The chart's x axis: minutes ago for the live range, hours ago for the stored ones.</summary>
    internal (double Min, double Step, string Title) Axis => Range switch
    {
        ChartRange.Live => (-LiveRateBuffer.Span(Range).TotalMinutes, 1, "minutes ago"),
        ChartRange.SixHours => (-6, 1, "hours ago"),
        ChartRange.Day => (-24, 4, "hours ago"),
        _ => (-LiveRateBuffer.Span(Range).TotalHours, 24, "hours ago"),
    };

    internal static string Rate(double? perSecond) => perSecond switch
    {
        null => "–",
        < 10 => perSecond.Value.ToString("0.#", CultureInfo.InvariantCulture),
        _ => perSecond.Value.ToString("N0", CultureInfo.InvariantCulture),
    };

    internal static string Count(ulong? count) => count?.ToString(CultureInfo.InvariantCulture) ?? "";

    /// <summary>watch -d: a cell whose count moved since the previous sample.</summary>
    internal static bool Changed(InterruptRow row, int column)
        => row.Previous is { } previous && row.Line.CountAt(column) != previous.CountAt(column);

    internal sealed record DeviceChoice(PciAddress Address, string Text);
}
