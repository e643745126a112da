using Passthru.Core.Pci;

namespace Passthru.Core.Boot;

/// <summary>A device to be on vfio-pci from boot on: where it is, which card it must be, and what it was when claimed.</summary>
/// <param name="Group">The IOMMU group when claimed: reported when the kernel puts the device in another one.</param>
/// <param name="HostModule">The kernel module of the host driver it had (<c>snd_hda_intel</c>): vfio-pci is loaded before it.</param>
public sealed record BootClaim(PciAddress Address, ClaimedCard Card, int? Group, string Name, string? HostModule, DateTimeOffset ClaimedAt, string ClaimedBy);
