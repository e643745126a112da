using Passthru.Core.Pci;

namespace Passthru.Web.Model;

/// <summary>
/// The words people use for kinds of device, which pci.ids does not: nobody's sound card is named
/// "sound" there (it is an "Audio device" or a "Multimedia audio controller"), nor a GPU "gpu".
/// Each word finds the PCI classes of its kind.
/// </summary>
public static class DeviceKinds
{
    private static readonly (string[] Words, Func<PciDevice, bool> IsKind)[] Kinds =
    [
        (["sound", "audio", "hda"], d => Subclass(d) is 0x0401 or 0x0403 || d.HostInterfaces.Any(i => i.Kind == HostInterfaceKind.Sound)),
        (["gpu", "graphics", "video", "display", "vga"], d => BaseClass(d) == 0x03),
        (["network", "nic", "ethernet", "lan", "wifi", "wlan"], d => BaseClass(d) == 0x02),
        (["disk", "storage", "nvme", "sata", "ssd"], d => BaseClass(d) == 0x01),
        (["usb"], d => Subclass(d) == 0x0c03),
    ];

    /// <summary>The words the filter knows, for its hint.</summary>
    public static IReadOnlyList<string> Words { get; } = Kinds.Select(k => k.Words[0]).ToArray();

    public static bool Matches(string text, PciDevice device)
        => Kinds.Any(kind => kind.Words.Contains(text, StringComparer.OrdinalIgnoreCase) && kind.IsKind(device));

    private static uint? BaseClass(PciDevice device) => device.ClassCode >> 16;

    private static uint? Subclass(PciDevice device) => device.ClassCode >> 8;
}
