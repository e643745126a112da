using Passthru.Core.Host;

namespace Passthru.Core.Boot.CommandLine;

/// <summary>
/// Finds the boot setup from files under the configuration root alone: it runs nothing. Every path is
/// resolved inside the root and a link that leads out of it counts as absent, so a tree in a test or a
/// container never sends an edit to the machine's own files.
/// </summary>
public static class BootSetupDetector
{
    private static readonly string[] BinaryFolders = ["usr/sbin", "usr/bin", "sbin", "bin"];

    public static BootSetup Detect(HostRoot root)
    {
        var isProxmox = Directory.Exists(root.Resolve("etc/pve")) || Tool(root, "proxmox-boot-tool") is not null;
        var kernelCmdline = root.RealPath("etc/kernel/cmdline") is { } k && File.Exists(k);
        var grubDefault = root.RealPath("etc/default/grub") is { } g && File.Exists(g);

        if (isProxmox && kernelCmdline && Tool(root, "proxmox-boot-tool") is { } proxmoxBootTool)
        {
            return new BootSetup(BootSetupKind.ProxmoxBootTool, "/etc/kernel/cmdline", proxmoxBootTool,
                "Proxmox VE with proxmox-boot-tool: /etc/kernel/cmdline, then `proxmox-boot-tool refresh`");
        }

        if (Tool(root, "grubby") is { } grubby && BlsEntries.List(root).Count > 0)
        {
            return new BootSetup(BootSetupKind.Grubby, "/" + BlsEntries.Folder, grubby,
                "boot loader entries in /boot/loader/entries, changed by `grubby --update-kernel=ALL`");
        }

        if (Tool(root, "kernelstub") is not null)
        {
            return BootSetup.Unrecognised("kernelstub (Pop!_OS) keeps the line in its own JSON configuration; Passthru does not edit it. Run the printed command.");
        }

        if (kernelCmdline && grubDefault)
        {
            return BootSetup.Unrecognised("both /etc/kernel/cmdline and /etc/default/grub exist, and the files alone do not tell which one boots this host.");
        }

        if (kernelCmdline)
        {
            return Tool(root, "kernel-install") is { } kernelInstall
                ? new BootSetup(BootSetupKind.KernelInstall, "/etc/kernel/cmdline", kernelInstall,
                    "systemd-boot: /etc/kernel/cmdline, then `kernel-install add` for each installed kernel")
                : BootSetup.Unrecognised("/etc/kernel/cmdline exists, but no kernel-install or proxmox-boot-tool to carry it to the boot loader.");
        }

        if (grubDefault)
        {
            if (Tool(root, "update-grub") is { } updateGrub)
            {
                return new BootSetup(BootSetupKind.GrubDefault, "/etc/default/grub", updateGrub, "GRUB: /etc/default/grub, then `update-grub`");
            }

            foreach (var (tool, config) in new[] { ("grub2-mkconfig", "/boot/grub2/grub.cfg"), ("grub-mkconfig", "/boot/grub/grub.cfg") })
            {
                if (Tool(root, tool) is { } mkconfig && Directory.Exists(root.Resolve(Path.GetDirectoryName(config)![1..])))
                {
                    return new BootSetup(BootSetupKind.GrubDefault, "/etc/default/grub", mkconfig, $"GRUB: /etc/default/grub, then `{tool} -o {config}`");
                }
            }

            return BootSetup.Unrecognised("/etc/default/grub exists, but neither update-grub nor grub-mkconfig (with its /boot folder) was found to regenerate grub.cfg.");
        }

        return BootSetup.Unrecognised("no /etc/default/grub, /etc/kernel/cmdline or boot loader entries with grubby were found.");
    }

    /// <summary>The tool's path as the host sees it (<c>/usr/sbin/update-grub</c>), if it is a file inside the root.</summary>
    internal static string? Tool(HostRoot root, string name)
    {
        foreach (var folder in BinaryFolders)
        {
            if (root.RealPath($"{folder}/{name}") is { } real && File.Exists(real))
            {
                return "/" + folder + "/" + name;
            }
        }

        return null;
    }
}
