using Passthru.Core.Pci;

namespace Passthru.Core.Safety;

/// <summary>What libvirt's guests use of the host now: the host functions running guests have, and the host bridges guests' interfaces use.</summary>
/// <param name="RunningHolders">Host address → the running guest that has it in its live definition.</param>
/// <param name="BridgeUsers">Host bridge → the guests whose interfaces use it.</param>
public sealed record GuestUse(IReadOnlyDictionary<PciAddress, string> RunningHolders, IReadOnlyDictionary<string, IReadOnlyList<string>> BridgeUsers)
{
    /// <summary>No guests (libvirt cannot be reached, or is not there): then no guest can hold anything.</summary>
    public static readonly GuestUse None = new(new Dictionary<PciAddress, string>(), new Dictionary<string, IReadOnlyList<string>>());
}

/// <summary>Reads <see cref="GuestUse"/>; the safety rules ask it without knowing libvirt.</summary>
public interface IGuestUse
{
    /// <summary>One listing of the guests; <see cref="GuestUse.None"/> when libvirt cannot be reached.</summary>
    Task<GuestUse> ReadAsync(CancellationToken cancellationToken = default);
}
