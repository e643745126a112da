using System.Collections.Concurrent;
using Passthru.Core.Host;
using Passthru.Core.Pci;

namespace Passthru.Core.Scanning;

/// <summary>
/// Devices read by earlier scans, so a warm scan re-reads only what can change while a device
/// stays in place (see <see cref="PciDeviceReader.Refresh"/>). An entry counts only while the
/// bus link still points where it did and the device's directory keeps its identity (inode and
/// ctime): a device that was removed and added again, or a different card at the same address,
/// has a new directory.
/// </summary>
internal sealed class KnownDevices
{
    private readonly ConcurrentDictionary<PciAddress, Entry> _entries = new();

    internal sealed record Entry(string Link, string Directory, (ulong, long, uint) Identity, PciDevice Device);

    public Entry? Lookup(PciAddress address, string? link)
        => link is not null
            && _entries.TryGetValue(address, out var entry)
            && entry.Link == link
            && NativeFile.TryGetIdentity(entry.Directory, out var identity)
            && identity == entry.Identity
                ? entry
                : null;

    public void Remember(PciAddress address, string link, string directory, (ulong, long, uint) identity, PciDevice device)
        => _entries[address] = new Entry(link, directory, identity, device);

    /// <summary>Drops devices that are gone, so the cache never outgrows the host.</summary>
    public void KeepOnly(IReadOnlySet<PciAddress> present)
    {
        foreach (var address in _entries.Keys)
        {
            if (!present.Contains(address))
            {
                _entries.TryRemove(address, out _);
            }
        }
    }
}
