using Passthru.Core.Interrupts;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;

namespace Passthru.Web.Live;

/// <summary>What a subscriber sees: the latest device scan (replaced only when devices changed), interrupt sample and guests.</summary>
/// <param name="HostVersion">Goes up each time the devices changed, so a page redraws its device list only then.</param>
/// <param name="Guests">libvirt's guests as last read; null until read (or while nobody watched).</param>
/// <param name="GuestsVersion">Goes up each time the guests were read again.</param>
/// <param name="StoppedBecause">
/// Why live updates stopped (the producer's loop failed and waits to start again, or following the guests
/// failed), or null while they flow. A state that only says so carries the data of the state before it.
/// </param>
public sealed record LiveState(
    HostSnapshot? Host, InterruptSample Interrupts, long HostVersion, GuestsSnapshot? Guests = null, long GuestsVersion = 0, string? StoppedBecause = null)
{
    public static readonly LiveState Initial = new(null, InterruptSample.None, 0);

    /// <summary>Whether this state shows the same host, sample and guests as <paramref name="other"/> (it may say something else about the updates).</summary>
    public bool HasSameDataAs(LiveState other)
        => ReferenceEquals(Interrupts, other.Interrupts) && HostVersion == other.HostVersion && GuestsVersion == other.GuestsVersion;

    /// <summary>The running guest that has a host function in its live definition, or null.</summary>
    public string? RunningGuestOf(PciAddress address)
        => Guests?.RunningGuestWith(address)?.Name;

    /// <summary>Interrupts per second of each running guest's passed-through functions, summed.</summary>
    public IReadOnlyDictionary<string, double> GuestRates()
    {
        var rates = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var guest in Guests?.Guests.Where(g => g.IsActive) ?? [])
        {
            rates[guest.Name] = guest.LiveHostDevices.Sum(d => Interrupts.Devices.GetValueOrDefault(d.HostAddress)?.PerSecond ?? 0);
        }

        return rates;
    }
}
