using Passthru.Core.Pci;

namespace Passthru.Core.Interrupts;

/// <summary>One device's part of a tally: what it raised, and the seconds of the samples it was counted in.</summary>
public readonly record struct DeviceInterruptCount(ulong Count, TimeSpan Elapsed);

/// <summary>
/// What each device raised over a run of samples, added up in memory: each sample's per-device
/// deltas and the time it spanned. The stored history is written from one tally per period rather
/// than from every sample. Not thread-safe.
/// </summary>
public sealed class InterruptTally
{
    private readonly Dictionary<PciAddress, DeviceInterruptCount> _devices = [];

    /// <summary>When the earliest sample added began counting (its read time less its elapsed time); null while empty.</summary>
    public DateTimeOffset? Start { get; private set; }

    /// <summary>When the latest sample added was read.</summary>
    public DateTimeOffset End { get; private set; }

    /// <summary>The time from the first sample's beginning to the last one's read.</summary>
    public TimeSpan Span => Start is { } start ? End - start : TimeSpan.Zero;

    public IReadOnlyDictionary<PciAddress, DeviceInterruptCount> Devices => _devices;

    public static InterruptTally Of(InterruptSample sample)
    {
        var tally = new InterruptTally();
        tally.Add(sample);
        return tally;
    }

    /// <summary>
    /// Adds a sample's deltas. A device is credited with the sample's seconds only where it has rows, so
    /// its stored rate is its rate while it could count. A sampler's first read compared nothing: it adds
    /// no counts and marks where the counting began.
    /// </summary>
    public void Add(InterruptSample sample)
    {
        Cover(sample.At - sample.Elapsed, sample.At);
        foreach (var device in sample.Devices.Values)
        {
            if (device.Delta > 0 || sample.Elapsed > TimeSpan.Zero)
            {
                Credit(device.Address, new DeviceInterruptCount(device.Delta, sample.Elapsed));
            }
        }
    }

    /// <summary>Adds another tally, e.g. the next period's while this one still waits to be written.</summary>
    public void Add(InterruptTally other)
    {
        if (other.Start is not { } start)
        {
            return;
        }

        Cover(start, other.End);
        foreach (var (address, count) in other._devices)
        {
            Credit(address, count);
        }
    }

    private void Cover(DateTimeOffset start, DateTimeOffset end)
    {
        Start = Start is { } earliest && earliest < start ? earliest : start;
        End = end > End ? end : End;
    }

    private void Credit(PciAddress address, DeviceInterruptCount count)
    {
        var sum = _devices.GetValueOrDefault(address);
        _devices[address] = new DeviceInterruptCount(sum.Count + count.Count, sum.Elapsed + count.Elapsed);
    }
}
