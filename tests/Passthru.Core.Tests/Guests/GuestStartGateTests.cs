using Passthru.Core.Guests;
using Passthru.Core.History;
using Passthru.Core.Host;
using Passthru.Core.Libvirt;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Guests;

/// <summary>
/// The check behind libvirt's start hook, on the captured intel-initial tree (0000:00:1b.0 and 0000:04:00.6 hold
/// 8086:293e subsystem 1af4:1100, 0000:00:1f.2 holds 8086:2922) and a real history database.
/// </summary>
public sealed class GuestStartGateTests : IDisposable
{
    private const string Guest = "vm-win";
    private const string Sound = "0000:00:1b.0";
    private const string Sata = "0000:00:1f.2";

    private readonly string _path = Scratch.NewPath("passthru-start-gate") + ".db";
    private readonly OperationJournal _journal;
    private readonly GuestStartGate _gate;

    public GuestStartGateTests()
    {
        var database = new HistoryDatabase(_path);
        _journal = new OperationJournal(database, TimeProvider.System);
        _gate = new GuestStartGate(new HostRoot(CapturedTrees.Path("intel-initial")), database, TimeProvider.System);
    }

    public void Dispose() => Scratch.DeleteDatabase(_path);

    [Fact]
    public async Task Check_SameCardAsGiven_Allows()
    {
        await _journal.GiveAsync(Guest, Sound, "8086:293e", "1af4:1100");

        var verdict = await _gate.CheckAsync(Guest, GivenCards.DomainXml(Guest, Sound));

        Assert.False(verdict.Refused);
        Assert.DoesNotContain(await _journal.ListAsync(), r => r.Action == OperationAction.StartGuest);
    }

    [Fact]
    public async Task Check_AnotherCardAtTheAddress_RefusesSayingBothAndJournalsTheRefusal()
    {
        await _journal.GiveAsync(Guest, Sata, "8086:293e", "1af4:1100");

        var verdict = await _gate.CheckAsync(Guest, GivenCards.DomainXml(Guest, Sound, Sata));

        Assert.True(verdict.Refused);
        var changed = Assert.Single(verdict.Changed);
        Assert.Equal(Sata, changed.Address.ToString());
        Assert.StartsWith($"Passthru refused to start {Guest}: {Sata} now holds 8086:2922 (subsystem 1af4:1100), not the 8086:293e (subsystem 1af4:1100) given to {Guest} on ",
            verdict.Message, StringComparison.Ordinal);
        Assert.Contains("attach it again in Passthru", verdict.Message, StringComparison.Ordinal);
        var refusal = Assert.Single(await _journal.ListAsync(action: OperationAction.StartGuest));
        Assert.Equal((OperationStatus.Refused, "libvirt hook", Guest, verdict.Message), (refusal.Status, refusal.Actor, refusal.Guest, refusal.Message));
        Assert.Equal([(Sata, "8086", "2922")], refusal.Devices.Select(d => (d.Address.ToString(), d.VendorId, d.DeviceId)));
    }

    [Fact]
    public async Task Check_SameModelWithOtherSubsystemIds_Refuses()
    {
        await _journal.GiveAsync(Guest, Sound, "8086:293e", "1af4:1101");

        var verdict = await _gate.CheckAsync(Guest, GivenCards.DomainXml(Guest, Sound));

        Assert.True(verdict.Refused);
        Assert.Contains("now holds 8086:293e (subsystem 1af4:1100), not the 8086:293e (subsystem 1af4:1101)", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_RecordFromBeforeSubsystemIds_ComparesVendorAndDevice()
    {
        await _journal.GiveAsync(Guest, Sound, "8086:293e");

        Assert.False((await _gate.CheckAsync(Guest, GivenCards.DomainXml(Guest, Sound))).Refused);
    }

    [Fact]
    public async Task Check_AddressHoldsNoCardNow_Refuses()
    {
        await _journal.GiveAsync(Guest, "0000:09:00.0", "10de:1b80", "1458:3702");

        var verdict = await _gate.CheckAsync(Guest, GivenCards.DomainXml(Guest, "0000:09:00.0"));

        Assert.True(verdict.Refused);
        Assert.Null(Assert.Single(verdict.Changed).Now);
        Assert.Contains("0000:09:00.0 holds no card now, but the 10de:1b80 (subsystem 1458:3702) given to vm-win on ", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_AddressNeverGivenToThisGuest_Allows()
    {
        // Given to another guest, and given to this one but taken back since: neither is this guest's card to check.
        await _journal.GiveAsync("vm-other", Sata, "8086:293e");
        await _journal.GiveAsync(Guest, "0000:04:00.6", "10de:1b80");
        await _journal.TakeBackAsync(Guest, "0000:04:00.6");

        var verdict = await _gate.CheckAsync(Guest, GivenCards.DomainXml(Guest, Sata, "0000:04:00.6"));

        Assert.False(verdict.Refused);
    }

    [Fact]
    public async Task Check_GivenAgainAfterATakeBack_ChecksTheNewestGift()
    {
        await _journal.GiveAsync(Guest, Sound, "8086:293e");
        await _journal.TakeBackAsync(Guest, Sound);
        await _journal.GiveAsync(Guest, Sound, "10de:1b80");

        Assert.True((await _gate.CheckAsync(Guest, GivenCards.DomainXml(Guest, Sound))).Refused);
    }

    [Fact]
    public async Task Check_NoHistoryDatabase_AllowsWithoutCreatingOne()
    {
        var verdict = await _gate.CheckAsync(Guest, GivenCards.DomainXml(Guest, Sound));

        Assert.False(verdict.Refused);
        Assert.False(File.Exists(_path));
    }

    [Theory]
    [InlineData("<domain><name>vm-win</name>")]
    [InlineData("<!DOCTYPE d [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><domain><name>&e;</name></domain>")]
    public async Task Check_BadXml_SaysSo(string xml)
    {
        await _journal.GiveAsync(Guest, Sata, "8086:293e");

        await Assert.ThrowsAsync<DomainXmlException>(() => _gate.CheckAsync(Guest, xml));
    }
}
