namespace Passthru.Core.Checks;

/// <summary>Is this host set up for passthrough? Each check is a verdict, a one-line reason, and the fix.</summary>
public static class HostChecks
{
    public static IReadOnlyList<HostCheck> Evaluate(HostFacts facts) =>
    [
        IommuEnabled(facts),
        IommuKernelFlag(facts),
        IommuPassthroughMode(facts),
        InterruptRemapping(facts),
        VfioModules(facts),
        AcsOverride(facts),
        VfioPciIds(facts),
        Selinux(facts),
    ];

    /// <summary>The one-word answer the Host page and <c>check</c> give: any failure is "Not ready", any warning qualifies "Ready".</summary>
    public static string Readiness(IReadOnlyList<HostCheck> checks)
        => checks.Any(c => c.Status == CheckStatus.Fail) ? "Not ready"
            : checks.Any(c => c.Status == CheckStatus.Warn) ? "Ready, with warnings" : "Ready";

    /// <summary>
    /// What to add to the command line. AMD-Vi needs no switch (the kernel enables it whenever the
    /// firmware describes it; "amd_iommu=on" is not a value the kernel knows), Intel's VT-d often does.
    /// </summary>
    private static string IommuParameter(HostFacts facts)
        => facts.CpuVendor == CpuVendor.Amd ? "iommu=pt" : "intel_iommu=on iommu=pt";

    /// <summary>The same as a change Apply can make: an addition replaces any other value of its name (intel_iommu=off, iommu=off).</summary>
    private static KernelLineFix IommuLine(HostFacts facts, params string[] remove)
        => new(IommuParameter(facts).Split(' '), remove);

    private static string CpuName(HostFacts facts) => facts.CpuVendor switch
    {
        CpuVendor.Intel => "Intel CPU (VT-d)",
        CpuVendor.Amd => "AMD CPU (AMD-Vi)",
        _ => "CPU of unknown vendor",
    };

    private static HostCheck IommuEnabled(HostFacts facts)
    {
        const string title = "IOMMU enabled";
        if (facts.IommuUnits.Count > 0 && facts.IommuGroupCount > 0)
        {
            return new HostCheck("iommu-enabled", title, CheckStatus.Pass,
                $"{facts.IommuUnits.Count} IOMMU unit(s) ({string.Join(", ", facts.IommuUnits)}) and {facts.IommuGroupCount} IOMMU groups.");
        }

        var firmware = facts.CpuVendor == CpuVendor.Amd ? "AMD-Vi / IOMMU (sometimes under SVM)" : "VT-d";
        return new HostCheck("iommu-enabled", title, CheckStatus.Fail,
            facts.IommuUnits.Count == 0
                ? $"No IOMMU is active ({CpuName(facts)}): no device can be passed to a guest."
                : "An IOMMU is present but the kernel made no IOMMU groups.",
            $"Enable {firmware} in the firmware setup. Then: {BootloaderFix.AddParameters(facts.Os, facts.IsProxmox, IommuParameter(facts))}",
            IommuLine(facts));
    }

    private static HostCheck IommuKernelFlag(HostFacts facts)
    {
        const string title = "IOMMU kernel parameter";
        var cmdline = facts.CommandLine;
        if (cmdline.IntelIommu == "off" || cmdline.AmdIommu == "off" || cmdline.Iommu == "off")
        {
            var which = cmdline.IntelIommu == "off" ? "intel_iommu=off" : cmdline.AmdIommu == "off" ? "amd_iommu=off" : "iommu=off";
            return new HostCheck("iommu-flag", title, CheckStatus.Fail, $"The kernel was booted with {which}.",
                $"Remove {which} from the kernel command line. {BootloaderFix.AddParameters(facts.Os, facts.IsProxmox, IommuParameter(facts))}",
                IommuLine(facts, cmdline.AmdIommu == "off" ? ["amd_iommu=off"] : []));
        }

        if (facts.CpuVendor == CpuVendor.Intel && cmdline.IntelIommu is null)
        {
            return facts.IommuGroupCount > 0
                ? new HostCheck("iommu-flag", title, CheckStatus.Pass, "intel_iommu is not set, but this kernel enables VT-d by default.")
                : new HostCheck("iommu-flag", title, CheckStatus.Fail, "Intel CPU and no intel_iommu=on: most kernels leave VT-d off without it.",
                    BootloaderFix.AddParameters(facts.Os, facts.IsProxmox, IommuParameter(facts)), IommuLine(facts));
        }

        var given = string.Join(" ", new[] { ("intel_iommu", cmdline.IntelIommu), ("amd_iommu", cmdline.AmdIommu) }
            .Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={p.Item2}"));
        return new HostCheck("iommu-flag", title, CheckStatus.Pass,
            given.Length > 0 ? $"{CpuName(facts)}; booted with {given}." : $"{CpuName(facts)}: the kernel enables the IOMMU whenever the firmware describes it; no parameter needed.");
    }

    private static HostCheck IommuPassthroughMode(HostFacts facts)
    {
        const string title = "Host devices in passthrough mode (iommu=pt)";
        var cmdline = facts.CommandLine;
        if (cmdline.Iommu == "pt" || cmdline.IommuPassthrough is "1" or "y" or "on")
        {
            return new HostCheck("iommu-pt", title, CheckStatus.Pass, "Devices the host keeps skip IOMMU translation, so they lose no speed.");
        }

        return new HostCheck("iommu-pt", title, CheckStatus.Warn,
            "Devices the host keeps go through IOMMU translation, which costs some I/O speed; passthrough works either way.",
            BootloaderFix.AddParameters(facts.Os, facts.IsProxmox, "iommu=pt"), new KernelLineFix(["iommu=pt"], []));
    }

    private static HostCheck InterruptRemapping(HostFacts facts)
    {
        const string title = "Interrupt remapping";
        return facts.InterruptRemapping switch
        {
            true => new HostCheck("interrupt-remapping", title, CheckStatus.Pass, "Interrupts are remapped (IR- chips in /proc/interrupts): a guest cannot forge the host's interrupts."),
            null => new HostCheck("interrupt-remapping", title, CheckStatus.Warn, "/proc/interrupts could not be read, so interrupt remapping is unknown."),
            false => new HostCheck("interrupt-remapping", title, facts.IommuUnits.Count > 0 ? CheckStatus.Fail : CheckStatus.Warn,
                "No remapped interrupts: vfio refuses to give a guest a device's interrupts unless told to run unsafely.",
                "Enable interrupt remapping (x2APIC) in the firmware and do not boot with intremap=off. Last resort, with the risk that a guest can " +
                "inject interrupts into the host: the module option vfio_iommu_type1 allow_unsafe_interrupts=1."),
        };
    }

    private static HostCheck VfioModules(HostFacts facts)
    {
        const string title = "vfio modules loaded";
        var missing = new[] { "vfio_pci", "vfio_iommu_type1" }.Except(facts.LoadedVfioModules).ToArray();
        if (missing.Length == 0)
        {
            return new HostCheck("vfio-modules", title, CheckStatus.Pass, "vfio_pci and vfio_iommu_type1 are loaded.");
        }

        return new HostCheck("vfio-modules", title, CheckStatus.Warn,
            $"Not loaded: {string.Join(", ", missing)}. Detaching a device loads vfio-pci on demand, but boot-time claims need it early.",
            "`sudo modprobe vfio-pci`, and to load it at every boot: `echo vfio-pci | sudo tee /etc/modules-load.d/vfio-pci.conf`.");
    }

    private static HostCheck AcsOverride(HostFacts facts)
    {
        const string title = "ACS override";
        return facts.CommandLine.AcsOverride is { } value
            ? new HostCheck("acs-override", title, CheckStatus.Warn,
                $"Booted with pcie_acs_override={value}: groups are split without real isolation, so devices in a split group can still reach each other by peer-to-peer DMA.",
                "Use only with guests you trust; a slot with real ACS is the safe way to a group of one. To stop using it, remove " +
                $"pcie_acs_override={value} from the kernel command line and reboot.",
                new KernelLineFix([], ["pcie_acs_override"]))
            : new HostCheck("acs-override", title, CheckStatus.Pass, "Not used: IOMMU groups reflect the hardware's real isolation.");
    }

    private static HostCheck VfioPciIds(HostFacts facts)
    {
        const string title = "Devices claimed by vfio-pci at boot";
        var ids = facts.CommandLine.VfioPciIds;
        return ids.Count == 0
            ? new HostCheck("vfio-pci-ids", title, CheckStatus.Pass, "None by vendor:device (no vfio-pci.ids= on the kernel command line).")
            : new HostCheck("vfio-pci-ids", title, CheckStatus.Warn,
                $"vfio-pci.ids={string.Join(",", ids)}: vfio-pci takes every card with these vendor:device IDs before any host driver, " +
                "a second identical card the host needs too.",
                "Claim the devices at boot instead (Claim at boot on the device page), which takes one card at one address only, " +
                "then remove vfio-pci.ids= from the kernel command line.",
                new KernelLineFix([], ["vfio-pci.ids"]));
    }

    private static HostCheck Selinux(HostFacts facts)
    {
        const string title = "SELinux";
        return facts.SelinuxEnforcing switch
        {
            null => new HostCheck("selinux", title, CheckStatus.Pass, "Not active."),
            false => new HostCheck("selinux", title, CheckStatus.Pass, "Permissive: it logs but does not block device access."),
            true => new HostCheck("selinux", title, CheckStatus.Pass,
                "Enforcing: guests started through libvirt get their devices labelled for them; a qemu started by hand needs matching labels on /dev/vfio."),
        };
    }
}
