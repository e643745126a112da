using System.Diagnostics;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.TestSupport;
using Xunit.Abstractions;

namespace Passthru.Core.Tests.Libvirt;

/// <summary>
/// The client against a real libvirtd with qemu:///system and a tiny TCG guest defined for each test.
/// The host address used, 0000:04:00.6, does not exist on the machines this runs on: a persistent
/// attach only writes it into the guest's definition, and a live attach is refused by libvirt before
/// any device is touched (and the test checks first that no such device exists here).
/// </summary>
[Collection(LibvirtdCollection.Name)]
public sealed class LibvirtdTests(LibvirtDaemon daemon, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly PciAddress Absent = PciAddress.Parse("0000:04:00.6");

    private LibvirtClient _client = null!;
    private TinyGuest _guest = null!;

    public async Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        _guest = await TinyGuest.DefineAsync(LibvirtDaemon.Uri);
        output.WriteLine($"define {_guest.Name}: {clock.ElapsedMilliseconds} ms");
        _client = new LibvirtClient(LibvirtDaemon.Uri, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _guest.DisposeAsync();
    }

    [LibvirtdFact]
    public async Task ListGuests_RealDaemon_HasTheTinyGuestShutOffAndPersistent()
    {
        var snapshot = await _client.ListGuestsAsync();

        Assert.True(snapshot.Availability.IsAvailable, snapshot.Availability.Reason);
        var guest = Assert.Single(snapshot.Guests, g => g.Name == _guest.Name);
        Assert.Equal((GuestState.ShutOff, false, true), (guest.State, guest.IsActive, guest.IsPersistent));
        Assert.Empty(guest.PersistentHostDevices);
    }

    [LibvirtdFact]
    public async Task AttachPersistentThenDetach_StoppedGuest_LibvirtHoldsItThenNot()
    {
        var clock = Stopwatch.StartNew();
        var attached = await _client.AttachHostDeviceAsync(_guest.Name, new HostDeviceAttachment(Absent));
        output.WriteLine($"attach --config and read back: {clock.ElapsedMilliseconds} ms");

        var device = Assert.Single(attached.PersistentHostDevices);
        Assert.Equal((Absent, true), (device.HostAddress, device.Managed));
        Assert.NotNull(device.GuestAddress); // qemu's driver gives the hostdev a slot in the guest
        Assert.Contains("<address domain='0x0000' bus='0x04' slot='0x00' function='0x6'/>", await _guest.InactiveXmlAsync(), StringComparison.Ordinal);

        var again = await Assert.ThrowsAsync<LibvirtException>(() => _client.AttachHostDeviceAsync(_guest.Name, new HostDeviceAttachment(Absent)));
        output.WriteLine($"second attach: {again.Code} ({(int)again.Code}), domain {again.ErrorDomain}: {again.Message}");
        Assert.Contains("already", again.LibvirtMessage, StringComparison.Ordinal);

        clock.Restart();
        var detached = await _client.DetachHostDeviceAsync(_guest.Name, Absent, GuestDefinitions.Both);
        output.WriteLine($"detach --config and read back: {clock.ElapsedMilliseconds} ms");
        Assert.Empty(detached.PersistentHostDevices);
        Assert.DoesNotContain("bus='0x04'", await _guest.InactiveXmlAsync(), StringComparison.Ordinal);
    }

    [LibvirtdFact]
    public async Task AttachLive_RunningGuest_LibvirtsRefusalAsTypedExceptionAndEventsFromAnotherProcess()
    {
        // Safety: a live attach of a function that exists would unbind it from its host driver.
        Assert.False(Directory.Exists($"/sys/bus/pci/devices/{Absent}"), $"{Absent} exists on this machine: the test will not live-attach it");
        using var changes = _client.SubscribeToChanges();
        await _client.CheckAvailabilityAsync();

        var clock = Stopwatch.StartNew();
        await Virsh.RunAsync(LibvirtDaemon.Uri, "start", _guest.Name); // another process: the event comes through the daemon
        output.WriteLine($"virsh start (TCG): {clock.ElapsedMilliseconds} ms");
        var started = await changes.WaitForAsync(c => c.Kind == GuestChangeKind.Started && c.GuestName == _guest.Name);
        Assert.Equal("booted", started.Detail);

        var e = await Assert.ThrowsAsync<LibvirtException>(
            () => _client.AttachHostDeviceAsync(_guest.Name, new HostDeviceAttachment(Absent) { Live = true }));
        output.WriteLine($"live attach: {e.Code} ({(int)e.Code}), domain {e.ErrorDomain}: {e.Message}");

        Assert.Equal("virDomainAttachDeviceFlags", e.Function);
        Assert.StartsWith($"Cannot attach {Absent} to {_guest.Name} (live and persistent): ", e.Message, StringComparison.Ordinal);
        if (!Directory.Exists("/dev/vfio"))
        {
            Assert.Equal(LibvirtErrorCode.ConfigUnsupported, e.Code);
            Assert.Equal("unsupported configuration: host doesn't support passthrough of host PCI devices", e.LibvirtMessage);
        }

        var guest = await _client.GetGuestAsync(_guest.Name);
        Assert.Equal(GuestState.Running, guest!.State);
        Assert.Empty(guest.HostDevices); // live and persistent together, or neither

        // A live hot-plug by another process (a virtio RNG: no host device involved) comes back as DEVICE_ADDED with its alias.
        await _guest.AttachLiveWithVirshAsync("<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>");
        var added = await changes.WaitForAsync(c => c.Kind == GuestChangeKind.DeviceAdded);
        Assert.Equal((_guest.Name, "rng0"), (added.GuestName, added.Detail));

        clock.Restart();
        await _client.DestroyGuestAsync(_guest.Name);
        output.WriteLine($"destroy: {clock.ElapsedMilliseconds} ms");
        var stopped = await changes.WaitForAsync(c => c.Kind == GuestChangeKind.Stopped && c.GuestName == _guest.Name);
        Assert.Equal("destroyed", stopped.Detail);
    }

    [LibvirtdRestartFact]
    public async Task NextCall_AfterLibvirtdRestart_Works()
    {
        Assert.True((await _client.ListGuestsAsync()).Availability.IsAvailable);

        var clock = Stopwatch.StartNew();
        daemon.StopLibvirtd();
        output.WriteLine($"libvirtd stopped: {clock.ElapsedMilliseconds} ms");
        daemon.StartLibvirtd();
        output.WriteLine($"libvirtd started: {daemon.LastLibvirtdStart.TotalMilliseconds:F0} ms");

        clock.Restart();
        var snapshot = await _client.ListGuestsAsync();
        output.WriteLine($"first call after the restart: {clock.ElapsedMilliseconds} ms");
        Assert.True(snapshot.Availability.IsAvailable, snapshot.Availability.Reason);
        Assert.Contains(snapshot.Guests, g => g.Name == _guest.Name);
    }

    [LibvirtdRestartFact]
    public async Task Watchers_WhileLibvirtdIsDown_SeeWhyAndTheReturn()
    {
        using var changes = _client.SubscribeToChanges();
        await changes.WaitForAsync(c => c.Kind == GuestChangeKind.Connected);

        daemon.StopLibvirtd();
        var lost = await changes.WaitForAsync(c => c.Kind == GuestChangeKind.Disconnected);
        output.WriteLine($"disconnected: {lost.Detail}");
        var down = await _client.ListGuestsAsync();
        output.WriteLine($"while down: {down.Availability.Status}: {down.Availability.Reason}");
        Assert.Equal(LibvirtStatus.NotRunning, down.Availability.Status);
        Assert.StartsWith("libvirtd is not running at qemu:///system: ", down.Availability.Reason, StringComparison.Ordinal);

        var clock = Stopwatch.StartNew();
        daemon.StartLibvirtd();
        await changes.WaitForAsync(c => c.Kind == GuestChangeKind.Connected, TimeSpan.FromSeconds(30));
        output.WriteLine($"reconnected by itself {clock.ElapsedMilliseconds} ms after the start began");
        Assert.Contains((await _client.ListGuestsAsync()).Guests, g => g.Name == _guest.Name);
    }
}
