namespace Passthru.Core.Boot.CommandLine;

public enum BootSetupKind
{
    /// <summary>Nothing Passthru knows how to change safely: the printed fix stays the way.</summary>
    Unrecognised,

    /// <summary><c>/etc/default/grub</c>, then <c>update-grub</c>, <c>grub2-mkconfig</c> or <c>grub-mkconfig</c>.</summary>
    GrubDefault,

    /// <summary>Proxmox VE: <c>/etc/kernel/cmdline</c>, then <c>proxmox-boot-tool refresh</c>.</summary>
    ProxmoxBootTool,

    /// <summary>systemd-boot: <c>/etc/kernel/cmdline</c>, then <c>kernel-install add</c> for each installed kernel.</summary>
    KernelInstall,

    /// <summary>Fedora and RHEL: boot loader spec entries, changed by <c>grubby --update-kernel=ALL</c>.</summary>
    Grubby,
}

/// <summary>
/// How this host's kernel command line is configured, found from files under the configuration root.
/// </summary>
/// <param name="File">The file that holds the line (as the host spells it: <c>/etc/default/grub</c>); for grubby, the entries' folder.</param>
/// <param name="Tool">The tool that carries the file into the boot loader (full path under the root), null when unrecognised.</param>
/// <param name="Description">One line for a person: which setup, and what Apply would change.</param>
/// <param name="Reason">When unrecognised: why, for the page and the refusal.</param>
public sealed record BootSetup(BootSetupKind Kind, string File, string? Tool, string Description, string? Reason = null)
{
    public bool IsRecognised => Kind != BootSetupKind.Unrecognised;

    public static BootSetup Unrecognised(string reason) => new(BootSetupKind.Unrecognised, "", null, "Not recognised", reason);
}
