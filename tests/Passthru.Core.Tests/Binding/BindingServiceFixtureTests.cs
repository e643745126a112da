using Passthru.Core.Binding;
using Passthru.Core.History;
using Passthru.Core.Host;
using Passthru.Core.Pci;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Binding;

/// <summary>
/// The binding service against a FIXTURE ROOT (a writable copy of a captured tree): its writes land
/// in plain files and no kernel acts on them, so every detach fails verification. That is what these
/// tests use: the failure path, the rollback, the journal and the refusals. Real binds are tested in
/// the lab (LabBindingTests).
/// </summary>
public sealed class BindingServiceFixtureTests : FixtureRootTests
{
    private static readonly PciAddress Solo = PciAddress.Parse("0000:00:1b.0");

    private string DeviceFile(string name) => Path.Combine(Tree, "sys/devices/pci0000:00/0000:00:1b.0", name);

    [Fact]
    public async Task Detach_KernelDoesNotBind_IsRolledBackAndJournaled()
    {
        var (service, journal) = CreateBinding();

        var result = await service.RunAsync(new BindingRequest(OperationAction.Detach, Solo, null, Localhost));

        Assert.Equal(OperationStatus.RolledBack, result.Status);
        Assert.Contains("snd_hda_intel took the device back instead of vfio-pci", result.Message, StringComparison.Ordinal);
        Assert.Contains($"Likely cause: the host root {Tree} is not a running kernel's sysfs", result.Message, StringComparison.Ordinal);
        Assert.Equal("\n", File.ReadAllText(DeviceFile("driver_override")));                 // the rollback cleared the override
        Assert.Equal("0000:00:1b.0", File.ReadAllText(Path.Combine(Tree, "sys/bus/pci/drivers_probe")));
        var record = Assert.Single(await journal.ListAsync());
        Assert.Equal((OperationStatus.RolledBack, "anonymous", "127.0.0.1", "0000:00:1b.0"), (record.Status, record.Actor, record.RemoteAddress, record.Target));
        Assert.Equal(("snd_hda_intel", "snd_hda_intel"), (record.Devices.Single().DriverBefore, record.Devices.Single().DriverAfter));
    }

    [Fact]
    public async Task Detach_JournalUnavailable_RefusesBeforeWritingAnything()
    {
        var damaged = Scratch.NewPath("passthru-damaged") + ".db";
        await File.WriteAllTextAsync(damaged, new string('x', 8192));
        try
        {
            var (service, _) = CreateBinding(damaged);

            var ex = await Assert.ThrowsAsync<HistoryUnavailableException>(() =>
                service.RunAsync(new BindingRequest(OperationAction.Detach, Solo, null, Localhost)));

            Assert.Contains("damaged", ex.Message, StringComparison.Ordinal);
            Assert.Equal("(null)\n", File.ReadAllText(DeviceFile("driver_override")));
            Assert.Equal("", File.ReadAllText(Path.Combine(Tree, "sys/bus/pci/drivers_probe")));
        }
        finally
        {
            File.Delete(damaged);
        }
    }

    [Fact]
    public async Task Detach_MountedDisk_IsRefusedJournaledAndNotWritten()
    {
        var (service, journal) = CreateBinding();

        var result = await service.RunAsync(new BindingRequest(OperationAction.Detach, PciAddress.Parse("0000:00:05.0"), null, Localhost));

        Assert.Equal(OperationStatus.Refused, result.Status);
        Assert.Contains("mounted on /var/lib/libvirt/images", result.Message, StringComparison.Ordinal);
        Assert.Equal("(null)\n", File.ReadAllText(Path.Combine(Tree, "sys/devices/pci0000:00/0000:00:05.0/driver_override")));
        Assert.Equal(OperationStatus.Refused, Assert.Single(await journal.ListAsync()).Status);
    }

    [Fact]
    public async Task DryRun_GroupDetach_ListsTheMovesAndWritesNothing()
    {
        var (service, journal) = CreateBinding();

        var result = await service.RunAsync(new BindingRequest(OperationAction.Detach, null, 12, Localhost, DryRun: true));

        Assert.True(result.IsDryRun);
        Assert.Equal(["0000:04:00.0 bochs-drm", "0000:04:00.1 xhci_hcd", "0000:04:00.6 snd_hda_intel"],
            result.Plan.Devices.Select(d => $"{d.Address} {d.DriverNow}"));
        Assert.All(result.Plan.Devices, d => Assert.Equal("vfio-pci", d.DriverAfter));
        Assert.Contains(result.Plan.Refusals, r => r.Reason.Contains("fbcon", StringComparison.Ordinal)); // 04:00.0 is the boot VGA
        Assert.Empty(await journal.ListAsync());
        Assert.Equal("", File.ReadAllText(Path.Combine(Tree, "sys/bus/pci/drivers_probe")));
    }

    [Fact]
    public async Task Recover_OperationCutOffByAKill_IsMarkedInterruptedWithWhatWasFound()
    {
        var (_, journal) = CreateBinding();
        // What a kill between the intent and the outcome leaves: a pending operation.
        await journal.BeginAsync(Localhost, OperationAction.Detach, Solo.ToString(), false,
            [new OperationDevice(Solo, "8086", "293e", 8, "snd_hda_intel")]);

        var restarted = new OperationRecovery(new OperationJournal(new HistoryDatabase(Database), TimeProvider.System), new HostRoot(Tree));
        var recovered = Assert.Single(await restarted.RecoverAsync());

        var record = Assert.Single(await journal.ListAsync());
        Assert.Equal(recovered.Id, record.Id);
        Assert.Equal(OperationStatus.Interrupted, record.Status);
        Assert.Contains("0000:00:1b.0 on snd_hda_intel (was snd_hda_intel)", record.Message, StringComparison.Ordinal);
        Assert.Contains("Not every device is on vfio-pci", record.Message, StringComparison.Ordinal);
        Assert.Empty(await journal.PendingAsync());
    }

    [Fact]
    public async Task Detach_WriteThatNeverReturns_IsBoundedAndReportedAsHang()
    {
        // A FIFO in place of driver_override: opening it for writing blocks, as a write to a hung driver does.
        var overridePath = DeviceFile("driver_override");
        File.Delete(overridePath);
        Assert.Equal(0, Mkfifo(overridePath, 0b110_100_100));
        var (service, journal) = CreateBinding(stepTimeout: TimeSpan.FromMilliseconds(500));
        try
        {
            var result = await service.RunAsync(new BindingRequest(OperationAction.Detach, Solo, null, Localhost));

            Assert.Equal(OperationStatus.Failed, result.Status);
            Assert.Contains("did not return within", result.Message, StringComparison.Ordinal);
            Assert.Contains("the driver hangs", result.Message, StringComparison.Ordinal);
            Assert.Equal(OperationStatus.Failed, Assert.Single(await journal.ListAsync()).Status);
        }
        finally
        {
            // Release the stuck writer so its thread ends with the test.
            using var reader = new FileStream(overridePath, FileMode.Open, FileAccess.Read);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int Mkfifo(string path, int mode);
}
