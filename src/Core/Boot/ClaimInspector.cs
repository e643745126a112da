using Passthru.Core.Pci;

namespace Passthru.Core.Boot;

/// <summary>Compares the saved claims with what the kernel did: the card at each address, its driver, its group, and the rule file.</summary>
public static class ClaimInspector
{
    /// <summary>Each saved claim under the configuration root, against the scanned host.</summary>
    /// <exception cref="ClaimManifestException">The claims record is damaged.</exception>
    /// <param name="bootedAt">When this boot began (<see cref="BootTime"/>): a claim made since is pending, not failed.</param>
    public static IReadOnlyList<ClaimStatus> Inspect(ConfigFiles files, Scanning.HostSnapshot host, DateTimeOffset? bootedAt)
        => Inspect(ClaimManifest.ReadFrom(files), host.Devices.ToDictionary(d => d.Address), files, bootedAt);

    public static IReadOnlyList<ClaimStatus> Inspect(ClaimManifest manifest, IReadOnlyDictionary<PciAddress, PciDevice> devices, ConfigFiles files,
        DateTimeOffset? bootedAt)
        => manifest.Claims.OrderBy(c => c.Address).Select(c => Inspect(c, manifest, devices.GetValueOrDefault(c.Address), files, bootedAt)).ToArray();

    private static ClaimStatus Inspect(BootClaim claim, ClaimManifest manifest, PciDevice? device, ConfigFiles files, DateTimeOffset? bootedAt)
    {
        var rule = ClaimRule.PathOf(claim.Address);
        var found = device is null ? null : ClaimedCard.Of(device);
        ClaimStatus Status(ClaimState state, string message, string? fix)
            => new(claim, state, message, device?.Driver, found, device?.IommuGroup, fix);

        var text = files.Read(rule);
        if (text is null)
        {
            return Status(ClaimState.FileMissing, $"claim file missing: /{rule} is gone, so nothing claims {claim.Address} at boot.",
                $"Claim {claim.Address} at boot again to write it, or release the claim to forget it.");
        }

        if (!manifest.Files.TryGetValue(rule, out var hash) || ClaimManifest.Hash(text) != hash)
        {
            return Status(ClaimState.FileEdited, $"claim file edited by hand: /{rule} is not what Passthru wrote for {claim.Address}.",
                $"Claim {claim.Address} at boot again to write it as Passthru checks it, or release the claim; a hand-made rule is not checked.");
        }

        if (device is null)
        {
            return Status(ClaimState.DeviceMissing, $"claim not applied: no device at {claim.Address} (claimed: {claim.Card}).",
                "Check that the card is seated and enabled in the firmware; release the claim if it was removed.");
        }

        if (found != claim.Card)
        {
            var other = found?.ToString() ?? "IDs unreadable";
            return Status(ClaimState.OtherCard,
                $"claim not applied: another card at {claim.Address} ({device.Names.Device ?? "unknown device"}, {other}; claimed: {claim.Name}, {claim.Card}). It stays on {device.Driver ?? "no driver"}.",
                $"Cards moved: find where the claimed card is now on the IOMMU groups page and claim it there, then release {claim.Address}.");
        }

        if (device.Driver != VfioDrivers.VfioPci && bootedAt is { } booted && claim.ClaimedAt > booted)
        {
            return Status(ClaimState.Pending, $"claimed during this boot: {claim.Address} is on {device.Driver ?? "no driver"} until the next boot.",
                "Reboot to apply the claim, or detach the device now to use it before then.");
        }

        if (device.Driver != VfioDrivers.VfioPci)
        {
            return Status(ClaimState.NotApplied,
                $"claim not applied: {claim.Address} is on {device.Driver ?? "no driver"}, not vfio-pci.",
                device.Driver is null ? "vfio-pci was not loaded when the card appeared: check /etc/modules-load.d/passthru-vfio.conf and the initramfs, or detach it now."
                    : $"{device.Driver} bound first. If it loads from the initramfs, regenerate the initramfs and reboot; if it is built into the kernel, " +
                      "no rule runs before it: detach the card after boot instead.");
        }

        if (claim.Group is { } saved && device.IommuGroup is { } now && saved != now)
        {
            return Status(ClaimState.GroupChanged, $"claim applied, but {claim.Address} moved from IOMMU group {saved} to {now}: check which devices share it now.",
                "Look at the group on the IOMMU groups page; claim the device again to record the new group.");
        }

        return Status(ClaimState.Applied, $"on vfio-pci as intended ({claim.Card}, group {device.IommuGroup?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}).", null);
    }
}
