namespace Passthru.Web.Configuration;

/// <summary>The <c>Passthru</c> configuration section.</summary>
public sealed class PassthruOptions
{
    public const string SectionName = "Passthru";

    /// <summary>Every sysfs and procfs path is read under this directory: <c>/</c> on a real host, a captured tree otherwise.</summary>
    public string HostRoot { get; set; } = "/";

    /// <summary>The SQLite database file (history and inventory).</summary>
    public string Database { get; set; } = "passthru.db";

    /// <summary>A pci.ids file; when unset, the usual places under the host root, then on this machine.</summary>
    public string? PciIdsPath { get; set; }

    /// <summary>How often <c>/proc/interrupts</c> is read while a page, hub client or API call is watching.</summary>
    public int InterruptSampleMs { get; set; } = 1000;

    /// <summary>
    /// How often devices are rescanned where the kernel's uevent socket is not available (a captured
    /// tree as host root, a sandbox without netlink). With the socket, a driver change shows at once.
    /// </summary>
    public int DevicePollMs { get; set; } = 3000;

    /// <summary>
    /// How often the stored interrupt history is written (per device, summed per minute), and how often
    /// <c>/proc/interrupts</c> is read while nobody watches; 0 turns the history off (and that reading).
    /// </summary>
    public int InterruptHistorySeconds { get; set; } = 60;

    /// <summary>How long the stored interrupt history is kept.</summary>
    public int InterruptHistoryRetentionHours { get; set; } = 7 * 24;

    /// <summary>
    /// The proxies in front of Passthru (addresses or CIDR networks) whose X-Forwarded-For and X-Forwarded-Proto are
    /// believed: the client's address then names it in the history and the login throttle, and https there makes
    /// the session cookie Secure and sends HSTS. Nobody's when empty. See <see cref="TrustedProxyList"/>.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Where libvirt is: <c>qemu:///system</c> on a KVM host; <c>test:///…</c> for libvirt's test driver.</summary>
    public string LibvirtUri { get; set; } = Passthru.Core.Libvirt.LibvirtClient.DefaultUri;

    /// <summary>The <c>Passthru:History</c> section: how large the history database may grow.</summary>
    public HistoryOptions History { get; set; } = new();

    /// <summary>The <c>Passthru:Boot</c> section: where the files that claim devices at boot are written.</summary>
    public BootOptions Boot { get; set; } = new();

    /// <summary>The directory the boot files are written under: <see cref="Boot"/>'s ConfigRoot, else the host root.</summary>
    public string BootConfigRoot => Boot.ConfigRoot ?? HostRoot;
}

/// <summary>The <c>Passthru:Boot</c> section.</summary>
public sealed class BootOptions
{
    /// <summary>
    /// The host's configuration root: <c>/etc/udev/rules.d</c> and the rest are written under it. Unset, it is the host root
    /// (<c>/</c> on a real host); a scratch directory in tests and in the lab, where the host root is a kernel's real sysfs.
    /// </summary>
    public string? ConfigRoot { get; set; }
}

/// <summary>The <c>Passthru:History</c> section.</summary>
public sealed class HistoryOptions
{
    /// <summary>
    /// The size budget of the history database in MiB: over it, the oldest interrupt history and then the
    /// oldest finished operations are deleted (and that is journaled), so that the disk never fills.
    /// </summary>
    public int MaxSizeMb { get; set; } = 256;
}
