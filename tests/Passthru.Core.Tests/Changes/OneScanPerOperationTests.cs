using Passthru.Core.Binding;
using Passthru.Core.Changes;
using Passthru.Core.Guests;
using Passthru.Core.History;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.Core.Tests.Binding;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Changes;

/// <summary>One operation, one scan: on a FIXTURE ROOT and libvirt's test driver (vm-off is stopped).</summary>
public sealed class OneScanPerOperationTests : FixtureRootTests
{
    private static readonly PciAddress Solo = PciAddress.Parse("0000:00:1b.0");

    [Fact]
    public async Task DetachClick_TheDryRunAndTheRunScanOnceEach()
    {
        // It was five scans a click: the dry run, the run, a rescan for the viability note, and the page's two.
        var (service, _) = CreateBinding();

        await service.RunAsync(new BindingRequest(OperationAction.Detach, null, 12, Localhost, DryRun: true));
        Assert.Equal(1, Scanner.ScanCount);
        await service.RunAsync(new BindingRequest(OperationAction.Detach, Solo, null, Localhost));
        Assert.Equal(2, Scanner.ScanCount);
    }

    [Fact]
    public async Task GuestChanges_ScanOnceEach()
    {
        // Removing a device from a guest scanned twice, once more to read its driver afterwards.
        await using var libvirt = new LibvirtClient(LibvirtTestHost.Uri, TimeProvider.System);
        var journal = new OperationJournal(new HistoryDatabase(Database), TimeProvider.System);
        var changes = new HostChangeQueue();
        var guests = new GuestService(libvirt, Scanner, journal, changes);
        var power = new GuestPower(libvirt, Scanner, journal, changes);

        await guests.AttachAsync(new GuestAttachRequest("vm-off", [Solo], Live: false, Managed: true, Force: false, Localhost));
        Assert.Equal(1, Scanner.ScanCount);
        await guests.DetachAsync("vm-off", Solo, Localhost);
        Assert.Equal(2, Scanner.ScanCount);
        await power.StartAsync(new GuestStartRequest("vm-off", Localhost));
        Assert.Equal(3, Scanner.ScanCount);
    }
}
