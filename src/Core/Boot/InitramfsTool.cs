using Passthru.Core.Host;

namespace Passthru.Core.Boot;

/// <summary>
/// The host's initramfs generator. A host driver loaded from the initramfs (a boot GPU's amdgpu, a storage driver)
/// binds before the root file system's udev rules exist, so the claims and vfio-pci go into the initramfs too.
/// </summary>
/// <param name="DropIn">The file that puts the claims into this tool's images, relative to the configuration root.</param>
/// <param name="Regenerate">The distribution's own command that rebuilds the images.</param>
public sealed record InitramfsTool(string Name, string DropIn, bool DropInIsExecutable, string[] Regenerate, string Binary)
{
    public static readonly InitramfsTool InitramfsTools = new("initramfs-tools", "etc/initramfs-tools/hooks/passthru-vfio", true,
        ["update-initramfs", "-u", "-k", "all"], "usr/sbin/update-initramfs");

    public static readonly InitramfsTool Dracut = new("dracut", "etc/dracut.conf.d/passthru-vfio.conf", false,
        ["dracut", "--regenerate-all", "--force"], "usr/bin/dracut");

    public static readonly InitramfsTool Mkinitcpio = new("mkinitcpio", "etc/mkinitcpio.conf.d/passthru-vfio.conf", false,
        ["mkinitcpio", "-P"], "usr/bin/mkinitcpio");

    public static IReadOnlyList<InitramfsTool> All { get; } = [InitramfsTools, Dracut, Mkinitcpio];

    public string RegenerateCommand => string.Join(' ', Regenerate);

    /// <summary>The tool installed under the configuration root, or null when none of the three is.</summary>
    public static InitramfsTool? Find(HostRoot configRoot)
        => All.FirstOrDefault(tool => File.Exists(configRoot.Resolve(tool.Binary)) || File.Exists(configRoot.Resolve(tool.Binary.Replace("usr/sbin/", "usr/bin/", StringComparison.Ordinal))));

    /// <summary>The drop-in's text for these rule files (absolute paths on the host) and modprobe file.</summary>
    public string DropInText(IReadOnlyList<string> ruleFiles, string? modprobeFile) => Name switch
    {
        "initramfs-tools" => $$"""
            #!/bin/sh
            # Passthru: the boot claims (udev rules) and vfio-pci in the initramfs, so a claim holds before host drivers load there.
            PREREQ="udev"
            prereqs() { echo "$PREREQ"; }
            case "$1" in prereqs) prereqs; exit 0 ;; esac
            . /usr/share/initramfs-tools/hook-functions
            mkdir -p "$DESTDIR/usr/lib/udev/rules.d" "$DESTDIR/etc/modprobe.d"
            for rule in /{{ClaimRule.Directory}}/{{ClaimRule.FilePrefix}}*.rules; do
                [ -e "$rule" ] && cp "$rule" "$DESTDIR/usr/lib/udev/rules.d/"
            done
            {{(modprobeFile is null ? "" : $"cp /{modprobeFile} \"$DESTDIR/etc/modprobe.d/\"")}}
            force_load vfio-pci
            exit 0

            """,
        "dracut" => $"""
            # Passthru: the boot claims (udev rules) and vfio-pci in the initramfs, so a claim holds before host drivers load there.
            force_drivers+=" vfio-pci "
            install_items+=" {string.Join(' ', ruleFiles.Append(modprobeFile).OfType<string>().Select(f => "/" + f))} "

            """,
        _ => $"""
            # Passthru: the boot claims (udev rules) and vfio-pci in the initramfs, so a claim holds before host drivers load there.
            MODULES+=(vfio_pci vfio vfio_iommu_type1)
            FILES+=({string.Join(' ', ruleFiles.Append(modprobeFile).OfType<string>().Select(f => "/" + f))})

            """,
    };
}
