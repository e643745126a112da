using System.Net;
using Passthru.Core.History;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;

namespace Passthru.Core.Binding;

/// <summary>Works out what an operation would do and whether the safety rules allow it. Reads only.</summary>
public static class BindingPlanner
{
    /// <summary>The driver after a reattach when no earlier detach recorded the original: whichever host driver claims it.</summary>
    public const string UnknownHostDriver = "its host driver";

    /// <summary>The detach of <paramref name="devices"/> (one device, or a group's endpoints) to vfio-pci.</summary>
    /// <param name="expectedIds">What the user saw at each address (<c>8086:293e</c>); a different card there is refused.</param>
    /// <param name="connectionAddress">The local address of the request's connection: the interface carrying it is never taken.</param>
    public static BindingPlan PlanDetach(HostSnapshot host, HostUsage usage, string target, IReadOnlyList<PciDevice> devices,
        IReadOnlyDictionary<PciAddress, string>? expectedIds = null, IPAddress? connectionAddress = null)
    {
        var refusals = new List<Refusal>();
        var connectionInterfaces = connectionAddress is null || IPAddress.IsLoopback(connectionAddress)
            ? []
            : usage.InterfacesWith(connectionAddress).ToHashSet(StringComparer.Ordinal);
        var planned = new List<PlannedDevice>();
        foreach (var device in devices)
        {
            var losses = usage.LossesThrough(device);
            refusals.AddRange(CommonRefusals(device, expectedIds));
            if (device.IsBridge)
            {
                refusals.Add(new Refusal(RefusalKind.Bridge, device.Address,
                    $"{device.Address} is a bridge or port: it carries the devices behind it, and vfio-pci does not bind bridges.", CanOverride: false));
            }

            if (device.ChipsetRole is { } role)
            {
                refusals.Add(new Refusal(RefusalKind.ChipsetFunction, device.Address,
                    $"{device.Address} is {ChipsetFunction.Explain(role)}.", CanOverride: false));
            }

            foreach (var loss in losses)
            {
                if (loss.Kind == HostLossKind.Network && connectionInterfaces.Contains(loss.Name))
                {
                    refusals.Add(new Refusal(RefusalKind.DashboardConnection, device.Address,
                        $"{device.Address} carries {loss.Name}, the interface this dashboard is reached through: detaching it would cut you off.", CanOverride: false));
                }

                refusals.AddRange(loss.InUse.Select(use => new Refusal(RefusalKind.InUseByHost, device.Address,
                    $"{device.Address} ({device.DisplayName}): {use}.", CanOverride: true)));
            }

            var isOnVfio = device.IsBoundToVfio;
            planned.Add(Planned(device, VfioDrivers.VfioPci, changesDriver: !isOnVfio, losses));
        }

        return new BindingPlan(OperationAction.Detach, target, planned, refusals);
    }

    /// <summary>The return of <paramref name="devices"/> from vfio-pci to their host drivers (the driver each had before its detach, when known).</summary>
    public static BindingPlan PlanReattach(string target, IReadOnlyList<PciDevice> devices, IReadOnlyDictionary<PciAddress, string?> originalDrivers,
        IReadOnlyDictionary<PciAddress, string>? expectedIds = null)
    {
        var refusals = devices.SelectMany(d => CommonRefusals(d, expectedIds)).ToList();
        var planned = devices.Select(d =>
        {
            var original = originalDrivers.GetValueOrDefault(d.Address);
            var changes = d.IsBoundToVfio || d.DriverOverride is not null;
            return Planned(d, changes ? original ?? UnknownHostDriver : d.Driver ?? "no driver", changes, []);
        }).ToArray();
        return new BindingPlan(OperationAction.Reattach, target, planned, refusals);
    }

    private static IEnumerable<Refusal> CommonRefusals(PciDevice device, IReadOnlyDictionary<PciAddress, string>? expectedIds)
    {
        if (expectedIds?.GetValueOrDefault(device.Address) is { } expected && !string.Equals(expected, device.IdPair, StringComparison.OrdinalIgnoreCase))
        {
            yield return new Refusal(RefusalKind.DeviceChanged, device.Address,
                $"The device at {device.Address} is now [{device.IdPair}] {device.DisplayName}, not the [{expected}] you saw: cards renumber when another is added. Look again before acting.",
                CanOverride: false);
        }

        if (device.IommuGroup is null && !device.IsBridge)
        {
            yield return new Refusal(RefusalKind.NoIommuGroup, device.Address,
                $"{device.Address} is in no IOMMU group (the IOMMU is off): vfio-pci cannot give it to a guest.", CanOverride: false);
        }
    }

    private static PlannedDevice Planned(PciDevice device, string driverAfter, bool changesDriver, IReadOnlyList<HostLoss> losses)
        => new(device.Address, device.DisplayName, device.VendorId is { } v ? $"{v:x4}" : null, device.DeviceId is { } d ? $"{d:x4}" : null,
            device.IommuGroup, device.Driver, driverAfter, changesDriver, losses);
}
