namespace Passthru.Core.Checks;

/// <summary>The exact commands that add kernel parameters on the host's distribution and boot loader.</summary>
public static class BootloaderFix
{
    public static string AddParameters(OsRelease os, bool isProxmox, string parameters)
    {
        if (isProxmox)
        {
            return $"Proxmox VE: with systemd-boot (ZFS root), append {parameters} to the line in /etc/kernel/cmdline and run " +
                   $"`proxmox-boot-tool refresh`; with GRUB, add {parameters} to GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub " +
                   "and run `update-grub`. Then reboot.";
        }

        if (os.Is("pop"))
        {
            return $"`sudo kernelstub --add-options \"{parameters}\"`, then reboot.";
        }

        if (os.Is("fedora", "rhel", "centos", "rocky", "almalinux", "ol"))
        {
            return $"`sudo grubby --update-kernel=ALL --args=\"{parameters}\"`, then reboot.";
        }

        var editGrub = $"Add {parameters} to GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, then run ";
        if (os.Is("suse", "opensuse", "opensuse-leap", "opensuse-tumbleweed", "sles"))
        {
            return editGrub + "`sudo grub2-mkconfig -o /boot/grub2/grub.cfg` and reboot.";
        }

        if (os.Is("arch", "manjaro", "endeavouros"))
        {
            return editGrub + "`sudo grub-mkconfig -o /boot/grub/grub.cfg` and reboot.";
        }

        if (os.Is("debian", "ubuntu"))
        {
            return editGrub + "`sudo update-grub` and reboot.";
        }

        return $"Add {parameters} to the kernel command line in your boot loader's configuration " +
               "(GRUB: GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, then regenerate grub.cfg) and reboot.";
    }
}
