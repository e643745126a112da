namespace Passthru.Core.Safety;

public enum HostLossKind
{
    Disk,
    Network,
    Display,
    Sound,
    Keyboard,
}

/// <summary>
/// Something the host loses while a device is away: a disk and its mounts, a network interface and
/// its addresses, a display, a sound card, a keyboard. <see cref="InUse"/> lists what makes it vital
/// (a mounted filesystem, active swap, the default route, the console), each a reason to refuse.
/// </summary>
public sealed record HostLoss(HostLossKind Kind, string Name, string Details, IReadOnlyList<string> InUse);
