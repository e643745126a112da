using System.Globalization;
using Passthru.Core.Pci;

namespace Passthru.Core.Boot;

/// <summary>
/// The card a claim is keyed on: vendor and device, and the subsystem IDs that tell two boards of one chip apart
/// (the boot disk's controller and its twin on a card differ there, if anywhere). All four are required, as the udev
/// rule matches all four; <see cref="Pci.CardIdentity"/>, what the guest-start hook compares, also reads older records without them.
/// </summary>
public sealed record ClaimedCard(ushort VendorId, ushort DeviceId, ushort SubsystemVendorId, ushort SubsystemDeviceId)
{
    /// <summary>The device's identity, or null when the scan could not read all four IDs (a claim then cannot be keyed).</summary>
    public static ClaimedCard? Of(PciDevice device)
        => device is { VendorId: { } vendor, DeviceId: { } id, SubsystemVendorId: { } subVendor, SubsystemDeviceId: { } subDevice }
            ? new ClaimedCard(vendor, id, subVendor, subDevice)
            : null;

    public string Ids => Hex(VendorId) + ":" + Hex(DeviceId);

    public string SubsystemIds => Hex(SubsystemVendorId) + ":" + Hex(SubsystemDeviceId);

    public override string ToString() => $"{Ids}, subsystem {SubsystemIds}";

    internal static string Hex(ushort value) => value.ToString("x4", CultureInfo.InvariantCulture);
}
