namespace Passthru.Core.Boot.CommandLine;

/// <summary>
/// What the next boot changes on the kernel's line: the configured words the running kernel lacks,
/// and the passthrough parameters it runs with that the configuration no longer has. Other words the
/// kernel runs with and no file holds are the boot loader's own (<c>BOOT_IMAGE=</c>, <c>root=</c>, ...).
/// </summary>
public sealed record RebootPending(IReadOnlyList<string> Added, IReadOnlyList<string> Removed)
{
    /// <summary>The parameters whose absence from the configuration is news, not the boot loader's doing.</summary>
    public static readonly IReadOnlyList<string> Watched = ["intel_iommu", "amd_iommu", "iommu", "iommu.passthrough", "pcie_acs_override", "vfio_pci.ids"];

    public bool IsPending => Added.Count > 0 || Removed.Count > 0;

    public static RebootPending Compare(IReadOnlyList<string> configured, IReadOnlyList<string> running)
    {
        // A word with '$' is a boot loader variable (Ubuntu's $vt_handoff), expanded at boot: it never matches the kernel's line.
        var added = configured.Where(w => !w.Contains('$', StringComparison.Ordinal) && !running.Contains(w)).Distinct().ToArray();
        var removed = running.Where(w => Watched.Contains(KernelParameters.NameOf(w)) && !configured.Contains(w)).Distinct().ToArray();
        return new RebootPending(added, removed);
    }
}
