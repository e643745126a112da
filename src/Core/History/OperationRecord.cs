using Passthru.Core.Changes;
using Passthru.Core.Pci;

namespace Passthru.Core.History;

public enum OperationAction
{
    /// <summary>From the host driver to vfio-pci.</summary>
    Detach,

    /// <summary>From vfio-pci back to the host driver.</summary>
    Reattach,

    /// <summary>Into a libvirt guest's definition (and its running configuration).</summary>
    AttachToGuest,

    /// <summary>Out of a libvirt guest's definitions.</summary>
    DetachFromGuest,

    /// <summary>A libvirt guest started (the target and the guest are its name).</summary>
    StartGuest,

    /// <summary>A libvirt guest asked to shut down (ACPI).</summary>
    ShutdownGuest,

    /// <summary>A libvirt guest turned off at once (virsh destroy).</summary>
    ForceOffGuest,

    /// <summary>An API token made for scripts (the target is its name).</summary>
    CreateToken,

    /// <summary>An API token revoked.</summary>
    RevokeToken,

    /// <summary>The oldest history deleted to keep the database within its size budget (the message says what went).</summary>
    PruneHistory,

    /// <summary>Devices claimed for vfio-pci at boot: the files written, and how the initramfs was rebuilt.</summary>
    ClaimAtBoot,

    /// <summary>A claim at boot removed.</summary>
    ReleaseAtBoot,

    /// <summary>What the kernel did with the claims at a boot: written once per boot, failed when a claim was not applied as intended.</summary>
    BootCheck,
    /// <summary>The kernel command line's boot files changed and the boot loader's tool run (the target is the file, the mode the commands).</summary>
    ApplyKernelCommandLine,
}

public enum OperationStatus
{
    /// <summary>Intent journaled, outcome not yet: the process is at work, or died at work.</summary>
    Pending,
    Succeeded,

    /// <summary>Failed, and what was done was undone.</summary>
    RolledBack,

    /// <summary>Failed, and the host may not be as it was (a rollback failed, or a driver hung).</summary>
    Failed,

    /// <summary>A safety rule said no; nothing was written.</summary>
    Refused,

    /// <summary>Found pending at a start after a crash or kill; the message says what the devices showed.</summary>
    Interrupted,
}

/// <summary>One device in an operation, with its driver before and after.</summary>
public sealed record OperationDevice(PciAddress Address, string? VendorId, string? DeviceId, int? Group, string? DriverBefore, string? DriverAfter = null)
{
    /// <summary>The card's subsystem vendor id (4 hex digits); null where it was not read, and in records older than it.</summary>
    public string? SubsystemVendorId { get; init; }

    /// <summary>The card's subsystem device id (4 hex digits); null where it was not read, and in records older than it.</summary>
    public string? SubsystemDeviceId { get; init; }
}

/// <param name="Guest">For guest operations: the libvirt domain.</param>
/// <param name="Actor">Who asked: a user name, <c>token NAME</c>, or (before logins, or without them) an address.</param>
/// <param name="Mode">For guest operations: which definitions and how (<c>persistent+live, managed</c>).</param>
/// <param name="RemoteAddress">Where the request came from; null from the command line and in records older than logins.</param>
/// <param name="Overrode">For a forced change: the refusals it overrode and the fingerprint of its plan.</param>
public sealed record OperationRecord(
    long Id,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    string Actor,
    OperationAction Action,
    string Target,
    bool Forced,
    OperationStatus Status,
    string? Message,
    IReadOnlyList<OperationDevice> Devices,
    string? Guest = null,
    string? Mode = null,
    string? RemoteAddress = null,
    PlanOverride? Overrode = null);
