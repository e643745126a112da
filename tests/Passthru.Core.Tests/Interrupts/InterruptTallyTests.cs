using Passthru.Core.Interrupts;
using Passthru.Core.Pci;

namespace Passthru.Core.Tests.Interrupts;

public sealed class InterruptTallyTests
{
    private static readonly PciAddress Sound = PciAddress.Parse("0000:00:1b.0");
    private static readonly PciAddress Nic = PciAddress.Parse("0000:01:00.0");
    private static readonly DateTimeOffset Noon = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static InterruptSample Sample(DateTimeOffset at, double seconds, params (PciAddress Address, ulong Delta)[] devices) => InterruptSample.None with
    {
        At = at,
        Elapsed = TimeSpan.FromSeconds(seconds),
        Devices = devices.ToDictionary(d => d.Address, d => new DeviceInterruptRate(d.Address, 0, d.Delta, d.Delta / seconds, 1)),
    };

    [Fact]
    public void Add_Samples_SumsEachDevicesDeltasAndSecondsOverTheirSpan()
    {
        var tally = new InterruptTally();

        tally.Add(Sample(Noon.AddSeconds(1), 1, (Sound, 10), (Nic, 1)));
        tally.Add(Sample(Noon.AddSeconds(2), 1, (Sound, 20)));
        tally.Add(Sample(Noon.AddSeconds(4), 2, (Sound, 30), (Nic, 2)));

        Assert.Equal(new DeviceInterruptCount(60, TimeSpan.FromSeconds(4)), tally.Devices[Sound]);
        // The NIC had no rows in the second sample: its seconds are those it could count in.
        Assert.Equal(new DeviceInterruptCount(3, TimeSpan.FromSeconds(3)), tally.Devices[Nic]);
        Assert.Equal((Noon, Noon.AddSeconds(4), TimeSpan.FromSeconds(4)), (tally.Start, tally.End, tally.Span));
    }

    [Fact]
    public void Add_AFirstRead_CountsNothing_ButStartsTheSpan()
    {
        var tally = InterruptTally.Of(Sample(Noon, 1, (Sound, 0)) with { Elapsed = TimeSpan.Zero });

        Assert.Empty(tally.Devices);
        Assert.Equal((Noon, TimeSpan.Zero), (tally.Start, tally.Span));

        tally.Add(Sample(Noon.AddSeconds(1), 1, (Sound, 10)));

        Assert.Equal(new DeviceInterruptCount(10, TimeSpan.FromSeconds(1)), tally.Devices[Sound]);
        Assert.Equal(TimeSpan.FromSeconds(1), tally.Span);
    }

    [Fact]
    public void Add_TwoReadsAtTheSameInstant_KeepsWhatTheSecondCounted()
    {
        var tally = InterruptTally.Of(Sample(Noon, 1, (Sound, 7)) with { Elapsed = TimeSpan.Zero });

        Assert.Equal(new DeviceInterruptCount(7, TimeSpan.Zero), tally.Devices[Sound]);
    }

    [Fact]
    public void Add_ALaterTally_MergesCountsAndSpan()
    {
        var first = InterruptTally.Of(Sample(Noon.AddSeconds(60), 60, (Sound, 600)));
        var second = InterruptTally.Of(Sample(Noon.AddSeconds(120), 60, (Sound, 60), (Nic, 6)));

        first.Add(second);
        first.Add(new InterruptTally());

        Assert.Equal(new DeviceInterruptCount(660, TimeSpan.FromSeconds(120)), first.Devices[Sound]);
        Assert.Equal(new DeviceInterruptCount(6, TimeSpan.FromSeconds(60)), first.Devices[Nic]);
        Assert.Equal((Noon, Noon.AddSeconds(120)), (first.Start, first.End));
    }
}
