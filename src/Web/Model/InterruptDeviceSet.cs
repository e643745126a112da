using Passthru.Core.Interrupts;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;

namespace Passthru.Web.Model;

/// <summary>Which rows the interrupts table shows, and which devices the chart draws with them.</summary>
public enum InterruptFilter
{
    Vfio,
    Device,
    All,
}

/// <summary>A device to pick in the interrupts page's lists: its address and name, and the running guest whose driver uses it.</summary>
public sealed record InterruptDeviceChoice(PciAddress Address, string Text);

/// <summary>The devices that raise interrupts in a sample: the page's choices and its first defaults.</summary>
public sealed record InterruptDeviceSet(IReadOnlyList<InterruptDeviceChoice> Choices, IReadOnlyList<PciAddress> GuestDevices, IReadOnlyList<PciAddress> Busiest, int CpuCount)
{
    public static InterruptDeviceSet Of(InterruptSample sample, HostSnapshot host, GuestsSnapshot? guests)
    {
        var guestDevices = sample.Rows.Where(r => r.Owner?.Source == InterruptSource.Vfio).Select(r => r.Owner!.Address).Distinct().Order().ToArray();
        return new(
            sample.Devices.Keys.Order().Select(a => new InterruptDeviceChoice(a, Name(a, host, guestDevices.Contains(a) ? guests?.RunningGuestWith(a)?.Name : null))).ToArray(),
            guestDevices,
            sample.Devices.Values.OrderByDescending(d => d.Total).Take(3).Select(d => d.Address).ToArray(),
            sample.Cpus.Count);
    }

    private static string Name(PciAddress address, HostSnapshot host, string? guest)
        => $"{address} {host.Find(address)?.DisplayName}".TrimEnd() + (guest is null ? "" : $" (guest {guest})");

    public IReadOnlyDictionary<PciAddress, string> Names => Choices.ToDictionary(c => c.Address, c => c.Text);

    /// <summary>Same choices and guest devices (the busiest change all the time and only matter the first time).</summary>
    public bool SameAs(InterruptDeviceSet? other)
        => other is not null && other.CpuCount == CpuCount && other.Choices.SequenceEqual(Choices) && other.GuestDevices.SequenceEqual(GuestDevices);
}
