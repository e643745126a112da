using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Passthru.Core.Pci;
using Passthru.Web.Configuration;
using Passthru.Web.Model;

namespace Passthru.Web.Components.Pages;

/// <summary>
/// /proc/interrupts live, like <c>watch -d grep vfio /proc/interrupts</c> but per device, with a chart of
/// rates. One choice drives both: the rows shown (the guests' vfio rows, one device's, or all) are the
/// devices charted; with all rows, the chart starts with the three busiest devices and can be changed.
/// The table and the chart follow the samples themselves, so a sample redraws only them.
/// </summary>
public partial class Interrupts
{
    [Inject]
    public required IOptions<PassthruOptions> Options { get; init; }

    [SupplyParameterFromQuery(Name = "device")]
    public string? DeviceQuery { get; set; }

    internal InterruptFilter Filter { get; private set; } = InterruptFilter.All;
    internal PciAddress? FilterDevice { get; private set; }
    internal bool ShowPerCpu { get; set; } = true;
    internal ChartRange Range { get; set; } = ChartRange.Live;
    internal IReadOnlyList<InterruptDeviceChoice> DeviceChoices { get; private set; } = [];

    /// <summary>The devices charted when every row is shown: the three busiest until someone picks others.</summary>
    internal IReadOnlyList<PciAddress> ChosenDevices { get; private set; } = [];

    private InterruptDeviceSet? _devices;
    private bool _chosenByPerson;
    private bool _defaultsChosen;
    private IReadOnlyList<PciAddress> _chartDevices = [];
    private IReadOnlyDictionary<PciAddress, string> _names = new Dictionary<PciAddress, string>();

    internal string SamplePeriod => string.Create(CultureInfo.InvariantCulture, $"{Options.Value.InterruptSampleMs / 1000.0:0.#} s");

    /// <summary>What the chart draws follows the rows shown; the same list object while it does not change, so the chart does not redraw for nothing.</summary>
    internal IReadOnlyList<PciAddress> ChartDevices => _chartDevices;

    internal IReadOnlyDictionary<PciAddress, string> Names => _names;

    private string ChartCaption => Filter switch
    {
        InterruptFilter.Vfio => "The devices guests use now (their vfio rows).",
        InterruptFilter.Device => FilterDevice is { } address ? $"{NameOf(address)}." : "Pick a device above.",
        _ when _chosenByPerson => "The devices chosen below.",
        _ => "The three devices with the most interrupts since boot; choose others below.",
    };

    private string EmptyChartText => Filter == InterruptFilter.Vfio
        ? "No guest uses a passed-through device now, so there is nothing to chart: the rows below say why."
        : "Pick one or more devices to chart their interrupt rate.";

    protected override void OnInitialized()
    {
        if (DeviceQuery is not null && PciAddress.TryParse(DeviceQuery, out var address))
        {
            (Filter, FilterDevice, _defaultsChosen) = (InterruptFilter.Device, address, true);
            UpdateChartDevices();
        }
    }

    private string NameOf(PciAddress address) => _names.GetValueOrDefault(address) ?? address.ToString();

    private void SetFilter(InterruptFilter filter)
    {
        Filter = filter;
        UpdateChartDevices();
    }

    private void SetDevice(PciAddress? device)
    {
        FilterDevice = device;
        UpdateChartDevices();
    }

    private void ChooseDevices(IEnumerable<PciAddress> devices)
    {
        (ChosenDevices, _chosenByPerson) = (devices.ToArray(), true);
        UpdateChartDevices();
    }

    /// <summary>
    /// The table saw another set of devices (rare: a driver or a guest enabled interrupts). The first
    /// time, choose what to show: the guests' rows if a device is passed through, else every row.
    /// </summary>
    internal void OnDevicesChanged(InterruptDeviceSet devices)
    {
        (_devices, DeviceChoices, _names) = (devices, devices.Choices, devices.Names);
        if (!_chosenByPerson)
        {
            ChosenDevices = devices.Busiest;
        }

        if (!_defaultsChosen)
        {
            _defaultsChosen = true;
            ShowPerCpu = devices.CpuCount <= 16;
            Filter = devices.GuestDevices.Count > 0 ? InterruptFilter.Vfio : InterruptFilter.All;
        }

        UpdateChartDevices();
    }

    private void UpdateChartDevices()
    {
        IReadOnlyList<PciAddress> devices = Filter switch
        {
            InterruptFilter.Vfio => _devices?.GuestDevices ?? [],
            InterruptFilter.Device => FilterDevice is { } address ? [address] : [],
            _ => ChosenDevices,
        };
        if (!devices.SequenceEqual(_chartDevices))
        {
            _chartDevices = devices;
        }
    }
}
