using Passthru.Core.Interrupts;
using Passthru.Core.Scanning;
using Passthru.Web.Live;

namespace Passthru.Web.Api;

// What GET /api/interrupts and the /hubs/host stream send: interrupt rows with their device and
// rate, and the devices' changing state. camelCase JSON; rates are per second.

/// <summary>One /proc/interrupts row.</summary>
/// <param name="Device">The PCI function the row belongs to, and how that is known; null when no device could be named.</param>
/// <param name="PerSecond">Null when there is no earlier sample of this row to compare with.</param>
public sealed record InterruptLineResponse(
    string Label, int? Irq, IReadOnlyList<ulong> PerCpu, ulong Total, string? Chip, string? HardwareIrq, string? Trigger,
    string? Actions, InterruptOwnerResponse? Device, ulong Delta, double? PerSecond, string? Guest = null);

public sealed record InterruptOwnerResponse(string Address, InterruptSource Source, string? VfioKind);

public sealed record DeviceRateResponse(string Address, ulong Total, ulong Delta, double? PerSecond, int Lines);

public sealed record InterruptsResponse(
    DateTimeOffset SampledAt, double IntervalSeconds, IReadOnlyList<string> Cpus, IReadOnlyList<InterruptLineResponse> Lines,
    IReadOnlyList<DeviceRateResponse> Devices, int SkippedLines, string? Problem);

/// <summary>A device's state as it changes: driver, override, group.</summary>
public sealed record DeviceStateResponse(string Address, string? Driver, string? DriverOverride, int? IommuGroup, bool Vfio);

/// <summary>
/// One message of the hub's stream. <c>devices</c> is the full list when it changed (and in the first
/// message), else null; <c>interrupts</c> holds only the rows that counted since the previous message.
/// </summary>
public sealed record HostUpdateMessage(
    DateTimeOffset At, long DevicesVersion, IReadOnlyList<DeviceStateResponse>? Devices, IReadOnlyList<InterruptLineResponse> Interrupts,
    IReadOnlyList<DeviceRateResponse> DeviceRates);

internal static class LiveMapping
{
    /// <summary>The state's sample, each row with the running guest that has its device.</summary>
    public static InterruptsResponse ToResponse(this LiveState state) => new(
        state.Interrupts.At, state.Interrupts.Elapsed.TotalSeconds, state.Interrupts.Cpus,
        state.Interrupts.Rows.Select(r => r.ToResponse() with { Guest = r.Owner is { } o ? state.RunningGuestOf(o.Address) : null }).ToArray(),
        Rates(state.Interrupts), state.Interrupts.SkippedLines, state.Interrupts.Problem);

    public static InterruptLineResponse ToResponse(this InterruptRow row) => new(
        row.Line.Label, row.Line.Irq, row.Line.Counts, row.Line.Total, row.Line.Chip, row.Line.HardwareIrq, row.Line.Trigger,
        row.Line.Actions, row.Owner is { } o ? new InterruptOwnerResponse(o.Address.ToString(), o.Source, o.VfioKind) : null,
        row.Delta, row.PerSecond);

    public static IReadOnlyList<DeviceRateResponse> Rates(InterruptSample sample)
        => sample.Devices.Values.OrderBy(d => d.Address).Select(d => new DeviceRateResponse(d.Address.ToString(), d.Total, d.Delta, d.PerSecond, d.Lines)).ToArray();

    public static IReadOnlyList<DeviceStateResponse> DeviceStates(HostSnapshot host)
        => host.Devices.Select(d => new DeviceStateResponse(d.Address.ToString(), d.Driver, d.DriverOverride, d.IommuGroup, d.IsBoundToVfio)).ToArray();
}
