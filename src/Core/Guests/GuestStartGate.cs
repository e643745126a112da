using System.Globalization;
using Passthru.Core.History;
using Passthru.Core.Host;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;

namespace Passthru.Core.Guests;

/// <summary>A host address of a guest that no longer holds the card Passthru gave the guest there.</summary>
/// <param name="Now">The card there now; null when the address holds none.</param>
public sealed record ChangedCard(PciAddress Address, CardIdentity? Now, CardIdentity Given, DateTimeOffset GivenAt)
{
    public string Describe(string guest)
    {
        var when = GivenAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        return Now is null
            ? $"{Address} holds no card now, but the {Given} given to {guest} on {when} was there"
            : $"{Address} now holds {Now}, not the {Given} given to {guest} on {when}";
    }
}

/// <summary>What the gate found for one start: the changed cards (the start is refused when there is one).</summary>
public sealed record StartGateVerdict(string Guest, IReadOnlyList<ChangedCard> Changed)
{
    public bool Refused => Changed.Count > 0;

    /// <summary>Why a refusal could not be journaled (the database is locked or full), or null.</summary>
    public string? NotJournaled { get; init; }

    /// <summary>The refusal, for libvirt to show to whoever started the guest (virsh, the dashboard, virt-manager).</summary>
    public string Message => Refused
        ? $"Passthru refused to start {Guest}: {string.Join("; ", Changed.Select(c => c.Describe(Guest)))}. "
            + $"Check the card; if it is the one {Guest} should have, remove it from {Guest} and attach it again in Passthru."
        : $"{Guest} may start: its host devices hold the cards Passthru gave it.";
}

/// <summary>
/// The check behind libvirt's start hook: a guest never starts on another card than the one it was given. For
/// each host PCI address in the guest's definition, the card there now (sysfs under the host root) is compared
/// with the card Passthru journaled when it gave that address to that guest; a different card, or none, refuses
/// the start, and the refusal is journaled. An address Passthru never gave the guest is not Passthru's to judge.
/// Reads the history database but never creates it, and never asks libvirt (libvirt waits on its hook).
/// </summary>
public sealed class GuestStartGate(HostRoot root, HistoryDatabase database, TimeProvider timeProvider)
{
    /// <summary>Who the journal names for a refusal.</summary>
    public static readonly Actor Actor = new("libvirt hook", null);

    /// <exception cref="DomainXmlException">The domain XML cannot be read.</exception>
    /// <exception cref="HistoryUnavailableException">The history database cannot be read.</exception>
    public async Task<StartGateVerdict> CheckAsync(string guest, string domainXml, CancellationToken cancellationToken = default)
    {
        var addresses = DomainXml.Parse(domainXml).HostDevices.Select(d => d.HostAddress).Distinct().ToArray();
        // A guest without passthrough, or a host where Passthru never wrote a history, has nothing to compare.
        if (addresses.Length == 0 || !File.Exists(database.Path))
        {
            return new StartGateVerdict(guest, []);
        }

        var journal = new OperationJournal(database, timeProvider);
        var changed = new List<ChangedCard>();
        foreach (var address in addresses)
        {
            if (await journal.LastGivenAsync(guest, address, cancellationToken) is not ({ VendorId: { } vendor, DeviceId: { } device } given, var givenAt))
            {
                continue;
            }

            var identity = new CardIdentity(vendor, device, given.SubsystemVendorId, given.SubsystemDeviceId);
            var now = CardIdentity.Read(root, address);
            if (now is null || !now.Matches(identity))
            {
                changed.Add(new ChangedCard(address, now, identity, givenAt));
            }
        }

        var verdict = new StartGateVerdict(guest, changed);
        if (verdict.Refused)
        {
            var devices = changed.Select(c => new OperationDevice(c.Address, c.Now?.VendorId, c.Now?.DeviceId, null, null)
            {
                SubsystemVendorId = c.Now?.SubsystemVendorId,
                SubsystemDeviceId = c.Now?.SubsystemDeviceId,
            }).ToArray();
            try
            {
                await journal.RecordRefusalAsync(Actor, OperationAction.StartGuest, guest, devices, verdict.Message, cancellationToken, guest);
            }
            catch (HistoryUnavailableException ex)
            {
                // The cards were read and differ: the start is refused whether or not the history takes the note.
                return verdict with { NotJournaled = ex.Message };
            }
        }

        return verdict;
    }
}
