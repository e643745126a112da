using Passthru.Core.Pci;

namespace Passthru.Core.Libvirt;

/// <summary>
/// A host PCI function given to a guest, as one definition (live or persistent) describes it.
/// </summary>
/// <param name="HostAddress">The host function, from <c>&lt;source&gt;&lt;address&gt;</c>.</param>
/// <param name="Managed">libvirt binds the function to vfio-pci on start and gives it back on stop (<c>managed='yes'</c>).</param>
/// <param name="GuestAddress">Where the guest sees it (<c>&lt;address type='pci'&gt;</c>), when libvirt assigned or was given one; live and persistent may differ.</param>
/// <param name="Alias">libvirt's device alias (<c>hostdev0</c>), in live definitions; DEVICE_ADDED/REMOVED events name devices by it.</param>
/// <param name="Element">Which element carries it: a plain hostdev, or a network interface of type hostdev (an SR-IOV VF).</param>
public sealed record GuestHostDevice(PciAddress HostAddress, bool Managed, PciAddress? GuestAddress, string? Alias, HostDeviceElement Element);

public enum HostDeviceElement
{
    /// <summary><c>&lt;hostdev mode='subsystem' type='pci'&gt;</c>.</summary>
    Hostdev,

    /// <summary><c>&lt;interface type='hostdev'&gt;</c>: a NIC function passed through with its MAC set by libvirt.</summary>
    Interface,
}

/// <summary>One host function across a guest's two definitions: in both, or only in one (a change that waits for a restart, or a live-only attach).</summary>
public sealed record HostDeviceUse(PciAddress HostAddress, GuestHostDevice? Live, GuestHostDevice? Persistent)
{
    /// <summary>In the persistent definition but not the running guest: applies at the next start.</summary>
    public bool PendingAttach => Persistent is not null && Live is null;

    /// <summary>In the running guest only: gone at the next start.</summary>
    public bool LiveOnly => Live is not null && Persistent is null;
}
