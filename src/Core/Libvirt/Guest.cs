using Passthru.Core.Pci;

namespace Passthru.Core.Libvirt;

/// <summary>A libvirt domain as read at one moment: identity, state, and the PCI functions of both of its definitions.</summary>
public sealed record Guest
{
    public required string Name { get; init; }

    public required Guid Uuid { get; init; }

    public required GuestState State { get; init; }

    /// <summary>Has an id: running, paused, in shutdown, crashed-but-kept (a live definition exists).</summary>
    public required bool IsActive { get; init; }

    /// <summary>Has a persistent definition (false for a transient guest started from XML).</summary>
    public required bool IsPersistent { get; init; }

    /// <summary>From the live XML; empty when the guest is not active.</summary>
    public required IReadOnlyList<GuestHostDevice> LiveHostDevices { get; init; }

    /// <summary>From the persistent definition (<c>VIR_DOMAIN_XML_INACTIVE</c>); empty for a transient guest.</summary>
    public required IReadOnlyList<GuestHostDevice> PersistentHostDevices { get; init; }

    /// <summary>
    /// Host bridges the interfaces of either definition use (<c>vmbr0</c>), each once: a stopped guest
    /// loses its network as surely as a running one when the NIC under the bridge leaves the host.
    /// </summary>
    public IReadOnlyList<string> Bridges { get; init; } = [];

    /// <summary>What could not be read about this guest (an unreadable definition); the rest of the record is still right.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Every host function of either definition, once, in address order.</summary>
    public IReadOnlyList<HostDeviceUse> HostDevices
    {
        get
        {
            var live = LiveHostDevices.GroupBy(d => d.HostAddress).ToDictionary(g => g.Key, g => g.First());
            var persistent = PersistentHostDevices.GroupBy(d => d.HostAddress).ToDictionary(g => g.Key, g => g.First());
            return live.Keys.Union(persistent.Keys)
                .Order()
                .Select(a => new HostDeviceUse(a, live.GetValueOrDefault(a), persistent.GetValueOrDefault(a)))
                .ToArray();
        }
    }

    /// <summary>Whether either definition holds <paramref name="address"/>.</summary>
    public bool Uses(PciAddress address)
        => LiveHostDevices.Any(d => d.HostAddress == address) || PersistentHostDevices.Any(d => d.HostAddress == address);
}
