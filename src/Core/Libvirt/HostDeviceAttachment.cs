using Passthru.Core.Pci;

namespace Passthru.Core.Libvirt;

/// <summary>What to attach: a host PCI function, managed by libvirt unless told otherwise.</summary>
public sealed record HostDeviceAttachment(PciAddress HostAddress)
{
    /// <summary>libvirt binds the function to vfio-pci when the guest starts and returns it when it stops.
    /// Unmanaged means the function must already be on vfio-pci (bound by Passthru's own detach).</summary>
    public bool Managed { get; init; } = true;

    /// <summary>Also hot-plug into the running guest. Ignored when the guest is not running. The persistent
    /// definition is always changed (for a persistent guest) and libvirt applies both or neither.</summary>
    public bool Live { get; init; }
}

/// <summary>Which of a guest's definitions a detach applies to.</summary>
[Flags]
public enum GuestDefinitions
{
    /// <summary>The running guest (hot-unplug; the guest OS must let go, libvirt waits a few seconds).</summary>
    Live = 1,

    /// <summary>The persistent definition, used at the next start.</summary>
    Persistent = 2,

    Both = Live | Persistent,
}
