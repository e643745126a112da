using Passthru.Core.Pci;

namespace Passthru.Core.Guests;

/// <summary>Which running guests have which host PCI functions now (their live definitions).</summary>
public interface IGuestDeviceUsage
{
    /// <summary>Host address → the running guest that has it; empty when libvirt cannot be reached.</summary>
    Task<IReadOnlyDictionary<PciAddress, string>> RunningHoldersAsync(CancellationToken cancellationToken = default);
}
