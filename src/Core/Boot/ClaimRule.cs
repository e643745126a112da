using Passthru.Core.Pci;

namespace Passthru.Core.Boot;

/// <summary>
/// The udev rule that claims one device at boot. It is keyed by address and identity, and the identity is checked by
/// the rule itself when the device appears: a different card at the address matches nothing and is never claimed.
/// </summary>
/// <remarks>
/// udev writes an <c>ATTR{}</c> assignment while it processes the rules, before any <c>RUN</c>, so driver_override is set
/// before the kmod builtin loads the host driver. <c>drivers_probe</c> then binds the device when vfio-pci was loaded
/// first (by modules-load.d or the initramfs), which probes nothing that appears after it on its own.
/// </remarks>
public static class ClaimRule
{
    public const string Directory = "etc/udev/rules.d";

    /// <summary>Every rule file Passthru writes starts so; the initramfs hooks copy them by this pattern.</summary>
    public const string FilePrefix = "61-passthru-vfio-";

    public static string PathOf(PciAddress address) => $"{Directory}/{FilePrefix}{address}.rules";

    public static string Text(BootClaim claim)
    {
        var card = claim.Card;
        var group = claim.Group is { } g ? $", group {g}" : "";
        return $"# Passthru: claim {claim.Address} for vfio-pci at boot, only while the same card is there ({card.Ids}, subsystem {card.SubsystemIds}{group}).\n" +
               $"ACTION==\"add\", SUBSYSTEM==\"pci\", KERNEL==\"{claim.Address}\", " +
               $"ATTR{{vendor}}==\"0x{ClaimedCard.Hex(card.VendorId)}\", ATTR{{device}}==\"0x{ClaimedCard.Hex(card.DeviceId)}\", " +
               $"ATTR{{subsystem_vendor}}==\"0x{ClaimedCard.Hex(card.SubsystemVendorId)}\", ATTR{{subsystem_device}}==\"0x{ClaimedCard.Hex(card.SubsystemDeviceId)}\", " +
               "ATTR{driver_override}=\"vfio-pci\", RUN+=\"/bin/sh -c 'echo %k > /sys/bus/pci/drivers_probe'\"\n";
    }
}
