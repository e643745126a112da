using System.Globalization;
using Passthru.Core.Host;

namespace Passthru.Core.Pci;

/// <summary>
/// What tells one card from another at a PCI address: its vendor:device ids and, where read, its subsystem
/// vendor:device ids, which differ between two cards of the same model from different makers. Four lower-case hex digits each.
/// </summary>
public sealed record CardIdentity(string VendorId, string DeviceId, string? SubsystemVendorId, string? SubsystemDeviceId)
{
    /// <summary>The card at <paramref name="address"/> now, read from sysfs under the root; null when the address holds none.</summary>
    public static CardIdentity? Read(HostRoot root, PciAddress address)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (root.RealPath($"sys/bus/pci/devices/{address}") is not { } path || !Directory.Exists(path))
        {
            return null;
        }

        var warnings = new List<string>();
        using var dir = new SysfsDirectory(path, warnings);
        var vendor = dir.ReadHex("vendor", expected: true, max: ushort.MaxValue);
        var device = dir.ReadHex("device", expected: true, max: ushort.MaxValue);
        return vendor is { } v && device is { } d
            ? new CardIdentity(Hex(v), Hex(d), HexOrNull(dir.ReadHex("subsystem_vendor", max: ushort.MaxValue)), HexOrNull(dir.ReadHex("subsystem_device", max: ushort.MaxValue)))
            : null;
    }

    /// <summary>
    /// Whether this is the card that <paramref name="given"/> describes: the same vendor:device, and the same subsystem ids
    /// where both sides know them (a record from before subsystem ids were kept compares vendor:device alone).
    /// </summary>
    public bool Matches(CardIdentity given)
    {
        ArgumentNullException.ThrowIfNull(given);
        return Same(VendorId, given.VendorId) && Same(DeviceId, given.DeviceId)
            && (given.SubsystemVendorId is null || SubsystemVendorId is null || Same(SubsystemVendorId, given.SubsystemVendorId))
            && (given.SubsystemDeviceId is null || SubsystemDeviceId is null || Same(SubsystemDeviceId, given.SubsystemDeviceId));
    }

    /// <summary><c>8086:293e</c>, or <c>8086:293e (subsystem 1af4:1100)</c> when the subsystem ids are known.</summary>
    public override string ToString()
        => SubsystemVendorId is { } sv && SubsystemDeviceId is { } sd ? $"{VendorId}:{DeviceId} (subsystem {sv}:{sd})" : $"{VendorId}:{DeviceId}";

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static string? HexOrNull(uint? id) => id is { } value ? Hex(value) : null;

    private static string Hex(uint id) => id.ToString("x4", CultureInfo.InvariantCulture);
}
