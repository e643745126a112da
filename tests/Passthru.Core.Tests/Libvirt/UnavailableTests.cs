using Microsoft.Extensions.Time.Testing;
using Passthru.Core.Libvirt;
using Passthru.Core.Libvirt.Native;
using Passthru.Core.Pci;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Libvirt;

/// <summary>libvirt that cannot be reached is a state the dashboard shows, never an exception that escapes a listing.</summary>
[Collection(LibvirtClientCollection.Name)]
public sealed class UnavailableTests
{
    [Fact]
    public async Task ListGuests_NothingListensAtTheSocket_NotRunningWithLibvirtsMessage()
    {
        await using var client = new LibvirtClient(LibvirtTestHost.UnreachableUri, TimeProvider.System);

        var snapshot = await client.ListGuestsAsync();

        Assert.Empty(snapshot.Guests);
        Assert.False(snapshot.Availability.IsAvailable);
        Assert.Equal(LibvirtStatus.NotRunning, snapshot.Availability.Status);
        Assert.Equal(
            $"libvirtd is not running at {LibvirtTestHost.UnreachableUri}: Failed to connect socket to '/nonexistent/libvirt-sock': No such file or directory",
            snapshot.Availability.Reason);
    }

    [Fact]
    public async Task Operations_NothingListens_ThrowUnavailableWithTheSameReason()
    {
        await using var client = new LibvirtClient(LibvirtTestHost.UnreachableUri, TimeProvider.System);

        var e = await Assert.ThrowsAsync<LibvirtUnavailableException>(
            () => client.AttachHostDeviceAsync("vm", new HostDeviceAttachment(PciAddress.Parse("0000:04:00.6"))));

        Assert.Equal(LibvirtStatus.NotRunning, e.Availability.Status);
        Assert.Equal(e.Availability.Reason, e.Message);
        Assert.Equal(LibvirtErrorCode.SystemError, e.Code);
        Assert.Equal(LibvirtStatus.NotRunning, (await client.CheckAvailabilityAsync()).Status);
    }

    [Fact]
    public async Task Reconnect_AfterAFailure_WaitsForTheRetryPauseThenTriesAgain()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2025-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var client = new LibvirtClient(LibvirtTestHost.UnreachableUri, time);

        var first = (await client.ListGuestsAsync()).Availability.CheckedAt;
        time.Advance(TimeSpan.FromMilliseconds(500));
        var withinPause = (await client.ListGuestsAsync()).Availability.CheckedAt;
        time.Advance(TimeSpan.FromSeconds(1));
        var afterPause = (await client.ListGuestsAsync()).Availability.CheckedAt;

        Assert.Equal(first, withinPause); // no new attempt: the same result, checked at the same time
        Assert.Equal(first + TimeSpan.FromSeconds(1.5), afterPause);
    }

    [Fact]
    public async Task ListGuests_TestDriverFileMissing_ConnectFailedWithLibvirtsMessage()
    {
        await using var client = new LibvirtClient("test:///nonexistent/host.xml", TimeProvider.System);

        var availability = (await client.ListGuestsAsync()).Availability;

        Assert.Equal(LibvirtStatus.ConnectFailed, availability.Status);
        Assert.StartsWith("cannot connect to libvirt at test:///nonexistent/host.xml: ", availability.Reason, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/host.xml", availability.Reason![40..], StringComparison.Ordinal);
    }

    [Fact]
    public void Probe_LibraryMissing_SaysLibvirtIsNotInstalled()
    {
        Assert.Equal("libvirt is not installed (libvirt-missing.so.0 could not be loaded)", LibvirtLibrary.Probe("libvirt-missing.so.0"));
        Assert.Null(LibvirtLibrary.Probe(LibvirtNative.Library));
    }
}
