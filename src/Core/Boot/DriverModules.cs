using Passthru.Core.Host;

namespace Passthru.Core.Boot;

/// <summary>The kernel module behind a PCI driver: softdep names modules (<c>xhci_pci</c>), not drivers (<c>xhci_hcd</c>).</summary>
public static class DriverModules
{
    /// <summary>The module of a bound driver, from <c>/sys/bus/pci/drivers/NAME/module</c>; null when the driver is built into the kernel.</summary>
    public static string? ModuleOf(HostRoot root, string driver)
    {
        if (!IsModuleName(driver))
        {
            return null;
        }

        var module = root.RealPath($"sys/bus/pci/drivers/{driver}/module");
        return module is null ? null : Path.GetFileName(module);
    }

    /// <summary>A name fit for a modprobe.d line: letters, digits, '_' and '-' only.</summary>
    public static bool IsModuleName(string name)
        => name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
