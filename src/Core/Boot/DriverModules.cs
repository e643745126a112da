using Passthru.Core.Host;

namespace Passthru.Core.Boot;

/// <summary>The kernel module behind a PCI driver: softdep names modules (<c>xhci_pci</c>), not drivers (<c>xhci_hcd</c>).</summary>
public static class DriverModules
{
    /// <summary>The module of a driver, named by <c>/sys/bus/pci/drivers/NAME/module</c>; null when the driver has no such link.</summary>
    public static string? ModuleOf(HostRoot root, string driver)
    {
        if (!IsModuleName(driver))
        {
            return null;
        }

        // The link's last part is the module's name; the module directory itself need not be there (a captured tree).
        var target = NativeFile.ReadLink(root.Resolve($"sys/bus/pci/drivers/{driver}/module"));
        var module = target is null ? null : Path.GetFileName(target.TrimEnd('/'));
        return module is not null && IsModuleName(module) ? module : null;
    }

    /// <summary>
    /// Whether the module is built into the running kernel: its directory is there without <c>initstate</c>, which only a
    /// loadable module has. False when unknown.
    /// </summary>
    public static bool IsBuiltIn(HostRoot root, string module)
        => IsModuleName(module) && Directory.Exists(root.Resolve($"sys/module/{module}")) && !File.Exists(root.Resolve($"sys/module/{module}/initstate"));

    /// <summary>A name fit for a modprobe.d line: letters, digits, '_' and '-' only.</summary>
    public static bool IsModuleName(string name)
        => name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
