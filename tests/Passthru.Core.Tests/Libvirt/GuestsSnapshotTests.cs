using Passthru.Core.Libvirt;

namespace Passthru.Core.Tests.Libvirt;

public sealed class GuestsSnapshotTests
{
    private static Guest Guest(string name, params string[] bridges) => new()
    {
        Name = name,
        Uuid = Guid.NewGuid(),
        State = GuestState.ShutOff,
        IsActive = false,
        IsPersistent = true,
        LiveHostDevices = [],
        PersistentHostDevices = [],
        Bridges = bridges,
    };

    [Fact]
    public void BridgeUsers_GuestsOnSharedAndOwnBridges_ListsEachBridgesGuestsByName()
    {
        var snapshot = new GuestsSnapshot(new LibvirtAvailability(LibvirtStatus.Available, "test:///default", null, DateTimeOffset.UnixEpoch),
            [Guest("web1", "vmbr0"), Guest("db", "vmbr0", "vmbr1"), Guest("offline")], DateTimeOffset.UnixEpoch);

        var users = snapshot.BridgeUsers();

        Assert.Equal(["vmbr0", "vmbr1"], users.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["db", "web1"], users["vmbr0"]);
        Assert.Equal(["db"], users["vmbr1"]);
    }
}
