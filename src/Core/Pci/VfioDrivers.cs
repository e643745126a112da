namespace Passthru.Core.Pci;

/// <summary>Drivers that hand a device to userspace or hold it inert, as the kernel's group-viability rule counts them.</summary>
public static class VfioDrivers
{
    public const string VfioPci = "vfio-pci";
    public const string PciStub = "pci-stub";

    /// <summary>vfio-pci and its variant drivers (<c>mlx5_vfio_pci</c>, <c>nvgrace_gpu_vfio_pci</c>, ...).</summary>
    public static bool IsVfio(string driver)
        => driver == VfioPci || driver.EndsWith("vfio_pci", StringComparison.Ordinal) || driver.EndsWith("vfio-pci", StringComparison.Ordinal);

    /// <summary>
    /// Drivers that do not claim DMA ownership, so a group member bound to them does not stop
    /// the group from being used by a guest: vfio-pci and pci-stub, and pcieport, whose ports
    /// do no DMA (driver_managed_dma in the kernel).
    /// </summary>
    public static bool AllowsViableGroup(string driver) => IsVfio(driver) || driver is PciStub or "pcieport";
}
