using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Libvirt;

/// <summary>
/// The client against libvirt's test driver, in process: real libvirt, a private copy of
/// tests/fixtures/libvirt/host.xml per client. The test driver has no attach/detach (VIR_ERR_NO_SUPPORT),
/// so persistent changes go through the client's define-based fallback here.
/// </summary>
[Collection(LibvirtClientCollection.Name)]
public sealed class TestDriverTests : IAsyncLifetime
{
    private static readonly PciAddress Gpu = PciAddress.Parse("0000:04:00.6");
    private static readonly PciAddress Nic = PciAddress.Parse("0000:05:00.0");
    private static readonly PciAddress NicSecond = PciAddress.Parse("0000:05:00.1");
    private static readonly PciAddress Spare = PciAddress.Parse("0000:0b:00.0");

    private readonly LibvirtClient _client = new(LibvirtTestHost.Uri, TimeProvider.System);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task ListGuests_TestHost_EveryGuestWithStatePersistenceAndHostdevsOfBothDefinitions()
    {
        var snapshot = await _client.ListGuestsAsync();

        Assert.True(snapshot.Availability.IsAvailable, snapshot.Availability.Reason);
        Assert.Null(snapshot.Error);
        Assert.Equal(
            [
                ("vm-crashed", GuestState.Crashed, true),
                ("vm-off", GuestState.ShutOff, false),
                ("vm-paused", GuestState.Paused, true),
                ("vm-running", GuestState.Running, true),
            ],
            snapshot.Guests.Select(g => (g.Name, g.State, g.IsActive)));
        Assert.All(snapshot.Guests, g => Assert.True(g.IsPersistent));
        Assert.All(snapshot.Guests, g => Assert.Empty(g.Problems));

        var running = snapshot.Guests.Single(g => g.Name == "vm-running");
        Assert.Equal(Guid.Parse("11111111-0000-0000-0000-000000000001"), running.Uuid);
        var expected = new GuestHostDevice(Gpu, true, PciAddress.Parse("0000:00:07.0"), null, HostDeviceElement.Hostdev);
        Assert.Equal([expected], running.LiveHostDevices);
        Assert.Equal([expected], running.PersistentHostDevices);

        var off = snapshot.Guests.Single(g => g.Name == "vm-off");
        Assert.Empty(off.LiveHostDevices); // no live definition while shut off
        Assert.Equal([(Nic, false), (NicSecond, true)], off.PersistentHostDevices.Select(d => (d.HostAddress, d.Managed)));
        Assert.Equal(["vm-off"], snapshot.GuestsUsing(Nic).Select(g => g.Name));
        Assert.Equal(["vm-running"], snapshot.GuestsUsing(Gpu).Select(g => g.Name));
    }

    [Fact]
    public async Task GetGuest_UnknownName_ReturnsNull()
        => Assert.Null(await _client.GetGuestAsync("no-such-guest"));

    [Fact]
    public async Task AttachHostDevice_StoppedGuest_PersistentDefinitionHoldsItAfterwards()
    {
        var guest = await _client.AttachHostDeviceAsync("vm-off", new HostDeviceAttachment(Spare) { Managed = false });

        Assert.Contains(new GuestHostDevice(Spare, false, null, null, HostDeviceElement.Hostdev), guest.PersistentHostDevices);
        var reread = await _client.GetGuestAsync("vm-off");
        Assert.Equal([Nic, NicSecond, Spare], reread!.PersistentHostDevices.Select(d => d.HostAddress));
    }

    [Fact]
    public async Task AttachHostDevice_RunningGuestWithoutLive_OnlyThePersistentDefinitionChanges()
    {
        var guest = await _client.AttachHostDeviceAsync("vm-running", new HostDeviceAttachment(Spare));

        var use = guest.HostDevices.Single(u => u.HostAddress == Spare);
        Assert.True(use.PendingAttach);
        Assert.True(use.Persistent!.Managed);
        Assert.DoesNotContain(guest.LiveHostDevices, d => d.HostAddress == Spare);
    }

    [Fact]
    public async Task AttachHostDevice_LiveOnTheTestDriver_ThrowsNoSupportAndChangesNothing()
    {
        var e = await Assert.ThrowsAsync<LibvirtException>(
            () => _client.AttachHostDeviceAsync("vm-running", new HostDeviceAttachment(Spare) { Live = true }));

        Assert.Equal(LibvirtErrorCode.NoSupport, e.Code);
        Assert.Equal("virDomainAttachDeviceFlags", e.Function);
        Assert.Contains("not supported", e.LibvirtMessage, StringComparison.Ordinal);
        Assert.StartsWith("Cannot attach 0000:0b:00.0 to vm-running (live and persistent): ", e.Message, StringComparison.Ordinal);
        Assert.False((await _client.GetGuestAsync("vm-running"))!.Uses(Spare));
    }

    [Fact]
    public async Task AttachHostDevice_AlreadyInTheDefinition_ThrowsLibvirtsError()
    {
        var e = await Assert.ThrowsAsync<LibvirtException>(() => _client.AttachHostDeviceAsync("vm-off", new HostDeviceAttachment(Nic)));

        Assert.Equal(LibvirtErrorCode.XmlError, e.Code);
        Assert.Contains("already exists", e.LibvirtMessage, StringComparison.Ordinal);
        Assert.Equal(2, (await _client.GetGuestAsync("vm-off"))!.PersistentHostDevices.Count);
    }

    [Fact]
    public async Task AttachHostDevice_UnknownGuest_ThrowsNoDomainWithLibvirtsMessage()
    {
        var e = await Assert.ThrowsAsync<LibvirtException>(() => _client.AttachHostDeviceAsync("no-such-guest", new HostDeviceAttachment(Spare)));

        Assert.Equal(LibvirtErrorCode.NoDomain, e.Code);
        Assert.Equal(12, e.ErrorDomain); // VIR_FROM_TEST
        Assert.Equal("Domain not found", e.LibvirtMessage); // the test driver's words; qemu's name the guest
        Assert.StartsWith("Cannot attach 0000:0b:00.0 to no-such-guest: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AttachHostDevice_TransientGuestWithoutLive_ThrowsOperationInvalid()
    {
        var name = await _client.CreateTransientGuestAsync("""
            <domain type='test'><name>transient</name><memory unit='MiB'>64</memory><os><type arch='x86_64'>hvm</type></os></domain>
            """);

        var guest = await _client.GetGuestAsync(name);
        Assert.False(guest!.IsPersistent);
        Assert.True(guest.IsActive);
        var e = await Assert.ThrowsAsync<LibvirtException>(() => _client.AttachHostDeviceAsync(name, new HostDeviceAttachment(Spare)));
        Assert.Equal(LibvirtErrorCode.OperationInvalid, e.Code);
        Assert.Null(e.Function);
        Assert.Contains("transient", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DetachHostDevice_PersistentFromRunningGuest_LeavesTheLiveDefinition()
    {
        var guest = await _client.DetachHostDeviceAsync("vm-running", Gpu, GuestDefinitions.Persistent);

        Assert.Empty(guest.PersistentHostDevices);
        Assert.True(Assert.Single(guest.HostDevices).LiveOnly);
    }

    [Fact]
    public async Task DetachHostDevice_BothFromStoppedGuest_RemovesOnlyThatDevice()
    {
        var guest = await _client.DetachHostDeviceAsync("vm-off", Nic, GuestDefinitions.Both);

        Assert.Equal([NicSecond], guest.PersistentHostDevices.Select(d => d.HostAddress));
        Assert.Equal([NicSecond], (await _client.GetGuestAsync("vm-off"))!.PersistentHostDevices.Select(d => d.HostAddress));
    }

    [Fact]
    public async Task DetachHostDevice_NotAttached_ThrowsDeviceMissing()
    {
        var e = await Assert.ThrowsAsync<LibvirtException>(() => _client.DetachHostDeviceAsync("vm-off", Spare, GuestDefinitions.Both));

        Assert.Equal(LibvirtErrorCode.DeviceMissing, e.Code);
        Assert.Equal("Cannot detach 0000:0b:00.0 from vm-off: 0000:0b:00.0 is not in its live or persistent definition", e.Message);
    }

    [Fact]
    public async Task DetachHostDevice_LiveOnTheTestDriver_ThrowsNoSupport()
    {
        var e = await Assert.ThrowsAsync<LibvirtException>(() => _client.DetachHostDeviceAsync("vm-running", Gpu, GuestDefinitions.Live));

        Assert.Equal(LibvirtErrorCode.NoSupport, e.Code);
        Assert.Equal("virDomainDetachDeviceFlags", e.Function);
        Assert.Single((await _client.GetGuestAsync("vm-running"))!.LiveHostDevices);
    }

    [Fact]
    public async Task AttachAndDetach_AnnounceChangedByPassthru()
    {
        using var changes = _client.SubscribeToChanges();

        await _client.AttachHostDeviceAsync("vm-off", new HostDeviceAttachment(Spare));
        var attached = await changes.WaitForAsync(c => c.Kind == GuestChangeKind.ChangedByPassthru);
        await _client.DetachHostDeviceAsync("vm-off", Spare, GuestDefinitions.Persistent);
        var detached = await changes.WaitForAsync(c => c.Kind == GuestChangeKind.ChangedByPassthru);

        Assert.Equal(("vm-off", "attached 0000:0b:00.0 (persistent)"), (attached.GuestName, attached.Detail));
        Assert.Equal(("vm-off", "detached 0000:0b:00.0 (persistent)"), (detached.GuestName, detached.Detail));
    }

    [Fact]
    public async Task DestroyThenStart_StateFollowsAndLifecycleEventsArrive()
    {
        using var changes = _client.SubscribeToChanges();

        await _client.DestroyGuestAsync("vm-running");
        var stopped = await changes.WaitForAsync(c => c.Kind == GuestChangeKind.Stopped);
        Assert.Equal(("vm-running", "destroyed"), (stopped.GuestName, stopped.Detail));
        var off = await _client.GetGuestAsync("vm-running");
        Assert.Equal(GuestState.ShutOff, off!.State);
        Assert.Empty(off.LiveHostDevices);

        await _client.StartGuestAsync("vm-running");
        var started = await changes.WaitForAsync(c => c.Kind == GuestChangeKind.Started);
        Assert.Equal(("vm-running", "booted"), (started.GuestName, started.Detail));
        Assert.Equal(GuestState.Running, (await _client.GetGuestAsync("vm-running"))!.State);
    }

    [Fact]
    public async Task Shutdown_RunningGuest_StopsIt()
    {
        using var changes = _client.SubscribeToChanges();

        await _client.ShutdownGuestAsync("vm-running");

        await changes.WaitForAsync(c => c.Kind == GuestChangeKind.Stopped && c.GuestName == "vm-running");
        Assert.Equal(GuestState.ShutOff, (await _client.GetGuestAsync("vm-running"))!.State);
    }

    [Fact]
    public async Task Start_AlreadyRunning_ThrowsLibvirtsCodeAndMessage()
    {
        var e = await Assert.ThrowsAsync<LibvirtException>(() => _client.StartGuestAsync("vm-running"));

        // The test driver's code for it (qemu says OPERATION_INVALID): whatever libvirt says is passed on.
        Assert.Equal(LibvirtErrorCode.InternalError, e.Code);
        Assert.Equal("virDomainCreate", e.Function);
        Assert.Equal("Cannot start vm-running: internal error: Domain 'vm-running' is already running", e.Message);
    }

    [Fact]
    public async Task ListPciNodeDevices_TestHost_ReturnsTheFakeDevicesInAddressOrder()
    {
        var devices = await _client.ListPciNodeDevicesAsync();

        Assert.Equal(
            [
                new NodePciDevice("pci_0000_04_00_6", Gpu, null, "0x10de", "NVIDIA Corporation", "0x1234", "Fake GPU", 13),
                new NodePciDevice("pci_0000_05_00_0", Nic, null, "0x8086", "Intel Corporation", "0x10fb", "82599ES 10-Gigabit SFI/SFP+ Network Connection", 14),
            ],
            devices);
    }

    [Fact]
    public async Task ManyCallsAtOnce_ShareTheConnection()
    {
        var snapshots = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => _client.ListGuestsAsync()));

        Assert.All(snapshots, s => Assert.Equal(4, s.Guests.Count));
    }
}
