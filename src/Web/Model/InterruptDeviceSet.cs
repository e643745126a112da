using Passthru.Core.Interrupts;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;

namespace Passthru.Web.Model;

/// <summary>Which rows the interrupts table shows.</summary>
public enum InterruptFilter
{
    Vfio,
    Device,
    All,
}

/// <summary>A device to pick in the interrupts page's lists.</summary>
public sealed record InterruptDeviceChoice(PciAddress Address, string Text);

/// <summary>The devices that raise interrupts in a sample: the page's choices and its first defaults.</summary>
public sealed record InterruptDeviceSet(IReadOnlyList<InterruptDeviceChoice> Choices, IReadOnlyList<PciAddress> GuestDevices, IReadOnlyList<PciAddress> Busiest, int CpuCount)
{
    public static InterruptDeviceSet Of(InterruptSample sample, HostSnapshot host) => new(
        sample.Devices.Keys.Order().Select(a => new InterruptDeviceChoice(a, $"{a} {host.Find(a)?.DisplayName}".TrimEnd())).ToArray(),
        sample.Rows.Where(r => r.Owner?.Source == InterruptSource.Vfio).Select(r => r.Owner!.Address).Distinct().Order().ToArray(),
        sample.Devices.Values.OrderByDescending(d => d.Total).Take(3).Select(d => d.Address).ToArray(),
        sample.Cpus.Count);

    /// <summary>Same choices and guest devices (the busiest change all the time and only matter the first time).</summary>
    public bool SameAs(InterruptDeviceSet? other)
        => other is not null && other.CpuCount == CpuCount && other.Choices.SequenceEqual(Choices) && other.GuestDevices.SequenceEqual(GuestDevices);
}
