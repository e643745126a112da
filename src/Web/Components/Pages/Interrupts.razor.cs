using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Passthru.Core.Interrupts;
using Passthru.Core.Pci;
using Passthru.Web.Components.Controls;
using Passthru.Web.Configuration;
using Passthru.Web.Model;

namespace Passthru.Web.Components.Pages;

/// <summary>
/// /proc/interrupts live, like <c>watch -d grep vfio /proc/interrupts</c> but per device: counts per
/// CPU with the cells that changed since the last sample highlighted, a rate column, and a chart of
/// the selected devices' rates over the last minutes (live) or hours (stored history). The page holds
/// the choices; the table and the chart follow the samples themselves, so a sample redraws only them.
/// </summary>
public partial class Interrupts
{
    [Inject]
    public required IOptions<PassthruOptions> Options { get; init; }

    [SupplyParameterFromQuery(Name = "device")]
    public string? DeviceQuery { get; set; }

    internal InterruptFilter Filter { get; set; } = InterruptFilter.All;
    internal PciAddress? FilterDevice { get; set; }
    internal bool ShowPerCpu { get; set; } = true;
    internal ChartRange Range { get; set; } = ChartRange.Live;
    internal IReadOnlyList<PciAddress> ChartDevices { get; set; } = [];
    internal IReadOnlyList<InterruptDeviceChoice> DeviceChoices { get; private set; } = [];

    internal string SamplePeriod => string.Create(CultureInfo.InvariantCulture, $"{Options.Value.InterruptSampleMs / 1000.0:0.#} s");

    private bool _defaultsChosen;

    protected override void OnInitialized()
    {
        if (DeviceQuery is not null && PciAddress.TryParse(DeviceQuery, out var address))
        {
            (Filter, FilterDevice, ChartDevices, _defaultsChosen) = (InterruptFilter.Device, address, [address], true);
        }
    }

    /// <summary>
    /// The table saw another set of devices (rare: a driver or a guest enabled interrupts). The first
    /// time, choose what to show: a guest's device if one is passed through, else the three busiest.
    /// </summary>
    internal void OnDevicesChanged(InterruptDeviceSet devices)
    {
        DeviceChoices = devices.Choices;
        if (_defaultsChosen)
        {
            return;
        }

        _defaultsChosen = true;
        ShowPerCpu = devices.CpuCount <= 16;
        if (devices.GuestDevices.Count > 0)
        {
            (Filter, ChartDevices) = (InterruptFilter.Vfio, devices.GuestDevices);
        }
        else
        {
            ChartDevices = devices.Busiest;
        }
    }
}
