using System.Text;

namespace Passthru.Core.Host;

/// <summary>
/// One kernel uevent as the netlink socket delivers it: <c>bind@/devices/pci0000:00/0000:00:1b.0</c>,
/// then NUL-separated <c>KEY=value</c> pairs (<c>ACTION=bind</c>, <c>SUBSYSTEM=pci</c>,
/// <c>DRIVER=vfio-pci</c>, <c>PCI_SLOT_NAME=0000:00:1b.0</c>, <c>SEQNUM=1234</c>).
/// </summary>
public sealed record UeventMessage(string Action, string DevPath, IReadOnlyDictionary<string, string> Properties)
{
    /// <summary>The largest message the kernel sends (UEVENT_BUFFER_SIZE); anything longer is not a uevent.</summary>
    public const int MaxLength = 2048;

    public string? Subsystem => Properties.GetValueOrDefault("SUBSYSTEM");

    /// <summary>Whether this event can change what the dashboard shows: a PCI function or a vfio group node came, went, or changed driver.</summary>
    public bool ConcernsDevices => Subsystem is "pci" or "vfio" or "pci_bus";

    /// <summary>
    /// Parses a kernel message, or returns null for anything else: udev's re-broadcasts (they start with
    /// <c>libudev</c> and a binary header), text without the <c>action@devpath</c> head, or a head that
    /// disagrees with its own ACTION. Values are kept as text and never interpreted as paths.
    /// </summary>
    public static UeventMessage? TryParse(ReadOnlySpan<byte> message)
    {
        if (message.IsEmpty || message.Length > MaxLength || message.StartsWith("libudev"u8))
        {
            return null;
        }

        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        string? head = null;
        foreach (var range in message.Split((byte)0))
        {
            var part = message[range];
            if (part.IsEmpty)
            {
                continue;
            }

            var text = Encoding.UTF8.GetString(part);
            if (head is null)
            {
                head = text;
                continue;
            }

            var equals = text.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                properties[text[..equals]] = text[(equals + 1)..];
            }
        }

        var at = head?.IndexOf('@', StringComparison.Ordinal) ?? -1;
        if (head is null || at <= 0 || at == head.Length - 1)
        {
            return null;
        }

        var action = head[..at];
        if (properties.TryGetValue("ACTION", out var declared) && declared != action)
        {
            return null;
        }

        return new UeventMessage(action, head[(at + 1)..], properties);
    }
}
