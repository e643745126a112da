namespace Passthru.Core.Libvirt;

/// <summary>Whether libvirt can be used, and if not, the reason in words a user can act on.</summary>
public sealed record LibvirtAvailability(LibvirtStatus Status, string Uri, string? Reason, DateTimeOffset? CheckedAt)
{
    public bool IsAvailable => Status == LibvirtStatus.Available;

    internal static LibvirtAvailability NotChecked(string uri) => new(LibvirtStatus.NotChecked, uri, "not connected yet", null);
}

public enum LibvirtStatus
{
    /// <summary>No connection was tried yet (connections open on first use).</summary>
    NotChecked,

    Available,

    /// <summary>libvirt.so.0 is not on this host: guests cannot be managed here, everything else works.</summary>
    NotInstalled,

    /// <summary>libvirt is installed but its daemon does not answer at the URI (not started, or it stopped).</summary>
    NotRunning,

    /// <summary>The daemon answered and refused: permissions, polkit, authentication.</summary>
    AccessDenied,

    /// <summary>Any other failure to connect (a bad URI, a missing test-driver file, ...); the reason has libvirt's words.</summary>
    ConnectFailed,

    /// <summary>The client was disposed (the app is shutting down).</summary>
    Disposed,
}
