using Passthru.Core.Pci;

namespace Passthru.Core.Boot;

/// <summary>
/// Every file a set of claims needs, derived from the claims alone: one udev rule per device, vfio-pci loaded early,
/// loaded before each claimed device's host driver, and the same in the initramfs. No claims, no files.
/// </summary>
public static class BootFileSet
{
    public const string ModulesLoad = "etc/modules-load.d/passthru-vfio.conf";
    public const string Modprobe = "etc/modprobe.d/passthru-vfio.conf";

    public static IReadOnlyList<BootFile> For(IReadOnlyList<BootClaim> claims, InitramfsTool? initramfs)
    {
        if (claims.Count == 0)
        {
            return [];
        }

        var ordered = claims.OrderBy(c => c.Address).ToArray();
        var files = ordered
            .Select(c => new BootFile(ClaimRule.PathOf(c.Address), ClaimRule.Text(c), $"claims {c.Address} ({c.Name}) when the card there is {c.Card}"))
            .ToList();
        files.Add(new BootFile(ModulesLoad,
            "# Passthru: load vfio-pci early, for the devices claimed at boot (etc/passthru/boot-claims.json).\nvfio-pci\n",
            "loads vfio-pci at every boot"));
        var modules = ordered.Select(c => c.HostModule).OfType<string>().Where(DriverModules.IsModuleName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (modules.Length > 0)
        {
            files.Add(new BootFile(Modprobe,
                "# Passthru: vfio-pci loads before the host drivers of the devices claimed at boot.\n" + string.Concat(modules.Select(m => $"softdep {m} pre: vfio-pci\n")),
                $"loads vfio-pci before {string.Join(", ", modules)}"));
        }

        if (initramfs is not null)
        {
            files.Add(new BootFile(initramfs.DropIn,
                initramfs.DropInText(ordered.Select(c => ClaimRule.PathOf(c.Address)).ToArray(), modules.Length > 0 ? Modprobe : null),
                $"puts the claims and vfio-pci into the initramfs ({initramfs.Name})", initramfs.DropInIsExecutable));
        }

        return files;
    }

    /// <summary>Every path a set of claims could have written, whatever the initramfs tool: a release removes what is no longer needed.</summary>
    public static IEnumerable<string> PossiblePaths(IEnumerable<PciAddress> claimed)
        => claimed.Select(ClaimRule.PathOf).Concat([ModulesLoad, Modprobe]).Concat(InitramfsTool.All.Select(t => t.DropIn));
}
