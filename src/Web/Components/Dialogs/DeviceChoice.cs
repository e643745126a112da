using System.Globalization;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;
using Passthru.Web.Model;

namespace Passthru.Web.Components.Dialogs;

/// <summary>A function the give-a-device dialog offers, with what a person needs to pick it: its group, its driver, and who has it.</summary>
public sealed record DeviceChoice(PciDevice Device, bool InGuest, string? Note)
{
    /// <summary>Endpoints a guest could have (no bridges, no chipset functions), in address order.</summary>
    public static IReadOnlyList<DeviceChoice> For(HostSnapshot host, GuestsSnapshot guests, string guestName)
        => host.Devices.Where(d => !d.IsBridge && d.ChipsetRole is null).Select(d =>
        {
            var holders = guests.GuestsUsing(d.Address);
            var inGuest = holders.Any(g => g.Name == guestName);
            var others = holders.Where(g => g.Name != guestName).Select(g => g.IsActive ? $"{g.Name} (running)" : g.Name).ToArray();
            var note = inGuest ? "already in this guest" : others.Length > 0 ? $"in {string.Join(", ", others)}" : null;
            return new DeviceChoice(d, inGuest, note);
        }).ToArray();

    /// <summary>What the groups page's filter finds, or the group's number.</summary>
    public bool Matches(string text)
        => new DeviceFilter(text, null).Matches(Device) || Device.IommuGroup?.ToString(CultureInfo.InvariantCulture) == text;
}
