using Passthru.Core.History;
using Passthru.Core.Pci;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.History;

public sealed class OperationJournalTests : IDisposable
{
    private static readonly PciAddress Sound = PciAddress.Parse("0000:04:00.6");
    private static readonly PciAddress Usb = PciAddress.Parse("0000:04:00.1");

    private readonly string _path = Scratch.NewPath("passthru-journal") + ".db";
    private readonly OperationJournal _journal;

    public OperationJournalTests() => _journal = new OperationJournal(new HistoryDatabase(_path), TimeProvider.System);

    [Fact]
    public async Task BeginThenFinish_RecordsIntentAndOutcomeWithDrivers()
    {
        var id = await _journal.BeginAsync(new Actor("alice", "127.0.0.1"), OperationAction.Detach, "group 12", forced: false,
            [new OperationDevice(Sound, "8086", "293e", 12, "snd_hda_intel"), new OperationDevice(Usb, "1b36", "000d", 12, "xhci_hcd")]);
        var pending = Assert.Single(await _journal.PendingAsync());
        Assert.Equal(id, pending.Id);

        await _journal.FinishAsync(id, OperationStatus.Succeeded, "Done", new Dictionary<PciAddress, string?> { [Sound] = "vfio-pci", [Usb] = "vfio-pci" });

        Assert.Empty(await _journal.PendingAsync());
        var record = Assert.Single(await _journal.ListAsync());
        Assert.Equal(OperationStatus.Succeeded, record.Status);
        Assert.NotNull(record.FinishedAt);
        Assert.Equal(("alice", "127.0.0.1"), (record.Actor, record.RemoteAddress));
        Assert.Equal([("snd_hda_intel", "vfio-pci"), ("xhci_hcd", "vfio-pci")],
            record.Devices.OrderByDescending(d => d.Address.Function).Select(d => (d.DriverBefore, d.DriverAfter)));
    }

    [Fact]
    public async Task BeginThenFinish_CallerTextsOfMegabytes_AreKeptCappedAndOnOneLine()
    {
        var forged = "\r\n2026-12-03 INFO forged\u001b[0m";
        var id = await _journal.BeginAsync(new Actor(new string('u', 1_000_000) + forged, "127.0.0.1" + forged), OperationAction.StartGuest,
            "vm" + forged + new string('t', 1_000_000), false, [], guest: "vm" + forged, mode: new string('m', 1_000_000));
        await _journal.FinishAsync(id, OperationStatus.Refused, new string('x', 20_000_000) + forged, OperationJournal.NoDevices);

        var record = Assert.Single(await _journal.ListAsync());
        string[] texts = [record.Actor, record.RemoteAddress!, record.Target, record.Guest!, record.Mode!, record.Message!];
        Assert.All(texts, text => Assert.DoesNotContain(text, char.IsControl));
        Assert.All(texts, text => Assert.True(text.Length <= OperationJournal.MaxMessageLength + 1, $"{text.Length} characters kept"));
        Assert.True(record.Actor.Length <= OperationJournal.MaxNameLength + 1);
        Assert.Equal("vm??2026-12-03 INFO forged?[0m", record.Guest);
    }

    [Fact]
    public async Task List_FiltersByDeviceActionAndStatus_NewestFirst()
    {
        var first = await _journal.BeginAsync(new Actor("a", null), OperationAction.Detach, Sound.ToString(), false, [new OperationDevice(Sound, "8086", "293e", 12, "snd_hda_intel")]);
        await _journal.FinishAsync(first, OperationStatus.Succeeded, null, new Dictionary<PciAddress, string?>());
        await _journal.RecordRefusalAsync(new Actor("b", null), OperationAction.Detach, Usb.ToString(), [new OperationDevice(Usb, "1b36", "000d", 12, "xhci_hcd")], "in use");
        var third = await _journal.BeginAsync(new Actor("c", null), OperationAction.Reattach, Sound.ToString(), false, [new OperationDevice(Sound, "8086", "293e", 12, "vfio-pci")]);
        await _journal.FinishAsync(third, OperationStatus.Succeeded, null, new Dictionary<PciAddress, string?>());

        Assert.Equal(["c", "b", "a"], (await _journal.ListAsync()).Select(r => r.Actor));
        Assert.Equal(["c", "a"], (await _journal.ListAsync(device: Sound)).Select(r => r.Actor));
        Assert.Equal(["c"], (await _journal.ListAsync(action: OperationAction.Reattach)).Select(r => r.Actor));
        var refused = Assert.Single(await _journal.ListAsync(status: OperationStatus.Refused));
        Assert.Equal("in use", refused.Message);
    }

    [Fact]
    public async Task DriverBeforeLastDetach_IsTheHostDriverFromTheLastSuccessfulDetach()
    {
        Assert.Null(await _journal.DriverBeforeLastDetachAsync(Sound));
        var failed = await _journal.BeginAsync(new Actor("a", null), OperationAction.Detach, Sound.ToString(), false, [new OperationDevice(Sound, "8086", "293e", 12, "wrong_driver")]);
        await _journal.FinishAsync(failed, OperationStatus.RolledBack, null, new Dictionary<PciAddress, string?>());
        var ok = await _journal.BeginAsync(new Actor("a", null), OperationAction.Detach, Sound.ToString(), false, [new OperationDevice(Sound, "8086", "293e", 12, "snd_hda_intel")]);
        await _journal.FinishAsync(ok, OperationStatus.Succeeded, null, new Dictionary<PciAddress, string?>());

        Assert.Equal("snd_hda_intel", await _journal.DriverBeforeLastDetachAsync(Sound));
    }

    [Fact]
    public async Task Inventory_CardChangedAtAnAddress_IsNoticed()
    {
        var inventory = new DeviceInventory(new HistoryDatabase(_path), TimeProvider.System);
        var before = TreeScan.Scan(CapturedTrees.Path("intel-initial")).Devices;
        Assert.Empty(await inventory.RecordAsync(before));

        // Another card at 04:00.6 (a different vendor:device), as after a swap or a renumbering.
        var swapped = before.Select(d => d.Address == Sound ? d with { VendorId = 0x1022, DeviceId = 0x15e3 } : d).ToArray();
        var changed = Assert.Single(await inventory.RecordAsync(swapped));

        Assert.Equal(Sound, changed.Address);
        Assert.StartsWith("8086:293e", changed.PreviousIds, StringComparison.Ordinal);
        Assert.StartsWith("1022:15e3", changed.CurrentIds, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Scratch.DeleteDatabase(_path);
    }
}
