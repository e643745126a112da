using System.Net;
using Passthru.Core.History;
using Passthru.Core.Pci;
using Passthru.Core.Safety;
using Passthru.Core.Scanning;

namespace Passthru.Core.Binding;

/// <summary>Works out what an operation would do (which driver each device goes to, what the host loses) and asks the safety rules whether it may. Reads only.</summary>
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
        var rules = new DetachRules(usage, expectedIds, connectionAddress);
        var planned = devices.Select(d => Planned(d, VfioDrivers.VfioPci, changesDriver: !d.IsBoundToVfio, usage.LossesThrough(d))).ToArray();
        return new BindingPlan(OperationAction.Detach, target, planned, devices.SelectMany(rules.RefusalsOf).ToArray());
    }

    /// <summary>The return of <paramref name="devices"/> from vfio-pci to their host drivers (the driver each had before its detach, when known).</summary>
    public static BindingPlan PlanReattach(string target, IReadOnlyList<PciDevice> devices, IReadOnlyDictionary<PciAddress, string?> originalDrivers,
        IReadOnlyDictionary<PciAddress, string>? expectedIds = null)
    {
        var refusals = devices.SelectMany(d => DetachRules.CommonRefusals(d, expectedIds)).ToList();
        var planned = devices.Select(d =>
        {
            var original = originalDrivers.GetValueOrDefault(d.Address);
            var changes = d.IsBoundToVfio || d.DriverOverride is not null;
            return Planned(d, changes ? original ?? UnknownHostDriver : d.Driver ?? "no driver", changes, []);
        }).ToArray();
        return new BindingPlan(OperationAction.Reattach, target, planned, refusals);
    }

    private static PlannedDevice Planned(PciDevice device, string driverAfter, bool changesDriver, IReadOnlyList<HostLoss> losses)
        => new(device.Address, device.DisplayName, device.VendorId is { } v ? $"{v:x4}" : null, device.DeviceId is { } d ? $"{d:x4}" : null,
            device.IommuGroup, device.Driver, driverAfter, changesDriver, losses);
}
