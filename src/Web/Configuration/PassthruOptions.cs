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
}
