using Passthru.Core.History;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;

namespace Passthru.TestSupport;

/// <summary>Journal entries as Passthru's guest attach and removal write them, for tests of what a start is checked against.</summary>
public static class GivenCards
{
    /// <summary>A successful attach of one card to <paramref name="guest"/>, with the ids it had then.</summary>
    public static async Task GiveAsync(this OperationJournal journal, string guest, string address, string ids, string? subsystemIds = null)
    {
        var (vendor, device) = Split(ids);
        var (subsystemVendor, subsystemDevice) = subsystemIds is null ? (null, null) : Split(subsystemIds);
        var card = new OperationDevice(PciAddress.Parse(address), vendor, device, 12, "snd_hda_intel")
        {
            SubsystemVendorId = subsystemVendor,
            SubsystemDeviceId = subsystemDevice,
        };
        var id = await journal.BeginAsync(new Actor("alice", "127.0.0.1"), OperationAction.AttachToGuest, address, false, [card], guest: guest, mode: "persistent, managed");
        await journal.FinishAsync(id, OperationStatus.Succeeded, $"Attached {address} to {guest}.", new Dictionary<PciAddress, string?> { [card.Address] = card.DriverBefore });
    }

    /// <summary>A successful removal of a card from <paramref name="guest"/>.</summary>
    public static async Task TakeBackAsync(this OperationJournal journal, string guest, string address)
    {
        var card = new OperationDevice(PciAddress.Parse(address), null, null, null, null);
        var id = await journal.BeginAsync(new Actor("alice", "127.0.0.1"), OperationAction.DetachFromGuest, address, false, [card], guest: guest, mode: "persistent, managed");
        await journal.FinishAsync(id, OperationStatus.Succeeded, $"Removed {address} from {guest}.", OperationJournal.NoDevices);
    }

    /// <summary>A minimal domain XML with one PCI hostdev per address.</summary>
    public static string DomainXml(string guest, params string[] addresses)
        => $"""
            <domain type='qemu'><name>{guest}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
              <os><type arch='x86_64' machine='pc'>hvm</type></os>
              <devices><memballoon model='none'/>{string.Concat(addresses.Select(a => HostDeviceXml.Create(PciAddress.Parse(a), managed: false)))}</devices>
            </domain>
            """;

    private static (string, string) Split(string ids) => (ids.Split(':')[0], ids.Split(':')[1]);
}
