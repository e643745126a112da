using Passthru.Core.Host;

namespace Passthru.Core.Checks;

public enum CpuVendor
{
    Unknown,
    Intel,
    Amd,
}

/// <summary>The host-wide facts the checks need, read once per scan under the host root.</summary>
public sealed record HostFacts
{
    public required KernelCommandLine CommandLine { get; init; }
    public required CpuVendor CpuVendor { get; init; }
    public required OsRelease Os { get; init; }
    public required bool IsProxmox { get; init; }

    /// <summary>Entries of <c>sys/class/iommu</c>: <c>dmar0</c> (Intel), <c>ivhd0</c> (AMD), ...</summary>
    public required IReadOnlyList<string> IommuUnits { get; init; }
    public required int IommuGroupCount { get; init; }

    /// <summary>Whether <c>/proc/interrupts</c> shows remapped (IR-) interrupt chips; null if it could not be read.</summary>
    public required bool? InterruptRemapping { get; init; }
    public required IReadOnlyList<string> LoadedVfioModules { get; init; }

    /// <summary>The SELinux mode from <c>sys/fs/selinux/enforce</c>: true enforcing, false permissive, null not active.</summary>
    public required bool? SelinuxEnforcing { get; init; }

    /// <summary>Reads every fact. The kernel command line, CPU, distribution, IOMMU units and interrupt remapping are fixed until reboot.</summary>
    public static HostFacts Read(HostRoot root, int iommuGroupCount, ICollection<string> warnings)
    {
        using var proc = new SysfsDirectory(root.Resolve("proc"), warnings);
        return new HostFacts
        {
            CommandLine = proc.ReadText("cmdline") is { } cmdline ? new KernelCommandLine(cmdline) : KernelCommandLine.Unknown,
            CpuVendor = ParseCpuVendor(proc.ReadText("cpuinfo")),
            Os = ReadOsRelease(root, warnings),
            IsProxmox = Directory.Exists(root.Resolve("etc/pve")) || File.Exists(root.Resolve("usr/sbin/proxmox-boot-tool")),
            IommuUnits = new SysfsDirectory(root.Resolve("sys/class/iommu"), warnings).List().Order(StringComparer.Ordinal).ToArray(),
            IommuGroupCount = iommuGroupCount,
            InterruptRemapping = proc.ReadText("interrupts") is { } interrupts ? HasRemappedChips(interrupts) : null,
            LoadedVfioModules = [],
            SelinuxEnforcing = null,
        }.Refresh(root, iommuGroupCount, warnings);
    }

    /// <summary>Re-reads what can change while the host runs: loaded vfio modules (modprobe), the SELinux mode (setenforce).</summary>
    public HostFacts Refresh(HostRoot root, int iommuGroupCount, ICollection<string> warnings)
    {
        using var selinux = new SysfsDirectory(root.Resolve("sys/fs/selinux"), warnings);
        return this with
        {
            IommuGroupCount = iommuGroupCount,
            LoadedVfioModules = new[] { "vfio", "vfio_pci", "vfio_iommu_type1" }
                .Where(m => Directory.Exists(root.Resolve($"sys/module/{m}"))).ToArray(),
            SelinuxEnforcing = selinux.ReadText("enforce") switch
            {
                "1" => true,
                "0" => false,
                _ => null,
            },
        };
    }

    /// <summary>/etc/os-release is usually a link to /usr/lib/os-release: followed, but only inside the host root.</summary>
    private static OsRelease ReadOsRelease(HostRoot root, ICollection<string> warnings)
    {
        var path = root.RealPath("etc/os-release") ?? root.RealPath("usr/lib/os-release");
        if (path is null)
        {
            return OsRelease.Unknown;
        }

        using var directory = new SysfsDirectory(Path.GetDirectoryName(path)!, warnings);
        return directory.ReadText(Path.GetFileName(path)) is { } text ? OsRelease.Parse(text) : OsRelease.Unknown;
    }

    internal static CpuVendor ParseCpuVendor(string? cpuinfo)
    {
        // x86 only: "vendor_id : GenuineIntel". Other architectures have no such line.
        var line = cpuinfo?.Split('\n').FirstOrDefault(l => l.StartsWith("vendor_id", StringComparison.Ordinal));
        return line switch
        {
            null => CpuVendor.Unknown,
            _ when line.Contains("GenuineIntel", StringComparison.Ordinal) => CpuVendor.Intel,
            _ when line.Contains("AuthenticAMD", StringComparison.Ordinal) || line.Contains("HygonGenuine", StringComparison.Ordinal) => CpuVendor.Amd,
            _ => CpuVendor.Unknown,
        };
    }

    /// <summary>Remapped interrupts show up as chips named IR-PCI-MSI, IR-IO-APIC, IR-PCI-MSIX-... (x86).</summary>
    internal static bool HasRemappedChips(string interrupts)
        => interrupts.Contains(" IR-", StringComparison.Ordinal);
}
