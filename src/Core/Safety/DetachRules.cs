using System.Net;
using Passthru.Core.Host;
using Passthru.Core.Pci;

namespace Passthru.Core.Safety;

/// <summary>
/// Why a device may not leave the host's driver for vfio-pci: what the host uses through it (overridable
/// on purpose), and what never may go (bridges, the chipset's functions, a device in no IOMMU group, a card
/// that is not the one the person saw, the dashboard's own connection). A detach, a give-to-a-guest and a
/// guest's start all ask these rules: libvirt's detach at a start takes the same devices as ours.
/// </summary>
/// <param name="expectedIds">What the user saw at each address (<c>8086:293e</c>); a different card there is refused.</param>
/// <param name="connectionAddress">
/// Where the request's connection meets this host's network: the host's own address it arrives at (or that carries the
/// SSH session it was tunnelled through), or the far client's address when a proxy on this host forwarded it (its route
/// says the interface). The interface carrying it is never taken.
/// </param>
public sealed class DetachRules(HostUsage usage, IReadOnlyDictionary<PciAddress, string>? expectedIds = null, IPAddress? connectionAddress = null)
{
    private readonly IReadOnlySet<string> _connectionInterfaces = connectionAddress is null
        || IPAddresses.IsLoopback(connectionAddress)
        ? new HashSet<string>()
        : usage.InterfacesWith(connectionAddress).ToHashSet(StringComparer.Ordinal);

    public IEnumerable<Refusal> RefusalsOf(PciDevice device)
    {
        foreach (var refusal in CommonRefusals(device, expectedIds))
        {
            yield return refusal;
        }

        if (device.IsBridge)
        {
            yield return new Refusal(RefusalKind.Bridge, device.Address,
                $"{device.Address} is a bridge or port: it carries the devices behind it, and vfio-pci does not bind bridges.", CanOverride: false);
        }

        if (device.ChipsetRole is { } role)
        {
            yield return new Refusal(RefusalKind.ChipsetFunction, device.Address, $"{device.Address} is {ChipsetFunction.Explain(role)}.", CanOverride: false);
        }

        foreach (var loss in usage.LossesThrough(device))
        {
            if (loss.Kind == HostLossKind.Network && _connectionInterfaces.Contains(loss.Name))
            {
                yield return new Refusal(RefusalKind.DashboardConnection, device.Address,
                    $"{device.Address} carries {loss.Name}, the interface this dashboard is reached through: detaching it would cut you off.", CanOverride: false);
            }

            foreach (var use in loss.InUse)
            {
                yield return new Refusal(RefusalKind.InUseByHost, device.Address, $"{device.Address} ({device.DisplayName}): {use}.", CanOverride: true);
            }
        }
    }

    /// <summary>What refuses a move off the host's driver and back alike: another card at the address, no IOMMU group.</summary>
    public static IEnumerable<Refusal> CommonRefusals(PciDevice device, IReadOnlyDictionary<PciAddress, string>? expectedIds)
    {
        if (expectedIds?.GetValueOrDefault(device.Address) is { } expected && !string.Equals(expected, device.IdPair, StringComparison.OrdinalIgnoreCase))
        {
            yield return new Refusal(RefusalKind.DeviceChanged, device.Address,
                $"The device at {device.Address} is now [{device.IdPair}] {device.DisplayName}, not the [{PrintableText.Of(expected, 16)}] you saw: cards renumber when another is added. Look again before acting.",
                CanOverride: false);
        }

        if (device.IommuGroup is null && !device.IsBridge)
        {
            yield return new Refusal(RefusalKind.NoIommuGroup, device.Address,
                $"{device.Address} is in no IOMMU group (the IOMMU is off): vfio-pci cannot give it to a guest.", CanOverride: false);
        }
    }
}
