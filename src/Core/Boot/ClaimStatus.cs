using Passthru.Core.Pci;

namespace Passthru.Core.Boot;

/// <summary>What the kernel did with a claim at this boot, the worst finding first.</summary>
public enum ClaimState
{
    /// <summary>The card is on vfio-pci, as intended.</summary>
    Applied,

    /// <summary>Claimed during this boot and not on vfio-pci yet: the claim takes effect at the next boot.</summary>
    Pending,

    /// <summary>The same card, but the kernel put it in another IOMMU group than when it was claimed.</summary>
    GroupChanged,

    /// <summary>The same card, on another driver or none: the rule came too late or did not run.</summary>
    NotApplied,

    /// <summary>Another card sits at the address: the rule did not match, so it was left alone.</summary>
    OtherCard,

    /// <summary>No device at the address.</summary>
    DeviceMissing,

    /// <summary>The claim's udev rule is gone.</summary>
    FileMissing,

    /// <summary>The claim's udev rule is not what Passthru wrote.</summary>
    FileEdited,
}

/// <summary>One claim, and what became of it at this boot.</summary>
/// <param name="Driver">The driver on the device at the address now.</param>
/// <param name="Found">The card at the address now; null when there is none or its IDs could not be read.</param>
/// <param name="Group">The device's IOMMU group now.</param>
/// <param name="Fix">What to do about it; null when applied.</param>
public sealed record ClaimStatus(BootClaim Claim, ClaimState State, string Message, string? Driver, ClaimedCard? Found, int? Group, string? Fix)
{
    public PciAddress Address => Claim.Address;

    public bool IsAsIntended => State is ClaimState.Applied or ClaimState.Pending;
}
