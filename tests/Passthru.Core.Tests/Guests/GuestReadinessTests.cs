using Passthru.Core.Advice;
using Passthru.Core.Guests;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Guests;

/// <summary>
/// A device blocked by its group is ready once a guest's definition holds the whole group: libvirt moves every
/// member to vfio-pci when the guest starts. On the captured tree, 04:00.6 shares group 12 with 04:00.0 and 04:00.1.
/// </summary>
public sealed class GuestReadinessTests
{
    private static readonly PciAddress Vga = PciAddress.Parse("0000:04:00.0");
    private static readonly PciAddress Usb = PciAddress.Parse("0000:04:00.1");
    private static readonly PciAddress Card = PciAddress.Parse("0000:04:00.6");

    private readonly HostSnapshot _host = TreeScan.Scan(CapturedTrees.Path("intel-initial"));

    private static GuestsSnapshot Guests(params Guest[] guests) => new(new LibvirtAvailability(LibvirtStatus.Available, "test:///default", null, DateTimeOffset.UnixEpoch), guests, DateTimeOffset.UnixEpoch);

    private static Guest StoppedGuest(string name, bool managed, params PciAddress[] devices) => new()
    {
        Name = name,
        Uuid = Guid.NewGuid(),
        State = GuestState.ShutOff,
        IsActive = false,
        IsPersistent = true,
        LiveHostDevices = [],
        PersistentHostDevices = devices.Select(d => new GuestHostDevice(d, managed, null, null, HostDeviceElement.Hostdev)).ToArray(),
    };

    private GuestReadiness? Of(GuestsSnapshot guests)
    {
        var card = _host.Find(Card)!;
        return GuestReadiness.Of(card, PassthroughAdvisor.Assess(_host, card), guests);
    }

    [Fact]
    public void Of_GuestWithTheWholeGroupManaged_IsReadyForIt()
    {
        var readiness = Of(Guests(StoppedGuest("other", true, Card), StoppedGuest("l2", true, Vga, Usb, Card)));

        Assert.Equal("l2", readiness!.Guest.Name);
        Assert.True(readiness.Managed);
        Assert.StartsWith("0000:04:00.6 is ready for l2", readiness.Summary(_host.Find(Card)!), StringComparison.Ordinal);
    }

    [Fact]
    public void Of_GuestWithPartOfTheGroup_IsNotReady()
        => Assert.Null(Of(Guests(StoppedGuest("l2", true, Card, Usb))));

    [Fact]
    public void Of_WholeGroupUnmanaged_SaysToDetachItFirst()
    {
        var readiness = Of(Guests(StoppedGuest("l2", false, Vga, Usb, Card)));

        Assert.False(readiness!.Managed);
        Assert.Contains("detach the group to vfio-pci before l2 starts", readiness.Summary(_host.Find(Card)!), StringComparison.Ordinal);
    }

    [Fact]
    public void Of_LibvirtUnavailable_IsNotReady()
        => Assert.Null(Of(new GuestsSnapshot(new LibvirtAvailability(LibvirtStatus.NotRunning, "qemu:///system", "libvirtd is not running", DateTimeOffset.UnixEpoch), [], DateTimeOffset.UnixEpoch)));
}
