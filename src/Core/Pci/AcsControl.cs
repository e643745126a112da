namespace Passthru.Core.Pci;

/// <summary>Access Control Services capability and control bits (PCIe base spec 7.7.8).</summary>
[Flags]
public enum AcsFlags : ushort
{
    None = 0,
    SourceValidation = 1 << 0,
    TranslationBlocking = 1 << 1,
    P2PRequestRedirect = 1 << 2,
    P2PCompletionRedirect = 1 << 3,
    UpstreamForwarding = 1 << 4,
    P2PEgressControl = 1 << 5,
    DirectTranslatedP2P = 1 << 6,

    /// <summary>What Linux requires for isolation (REQ_ACS_FLAGS in drivers/iommu/iommu.c).</summary>
    RequiredForIsolation = SourceValidation | P2PRequestRedirect | P2PCompletionRedirect | UpstreamForwarding,
}

/// <summary>An ACS extended capability as read from config space.</summary>
public readonly record struct AcsControl(AcsFlags Capabilities, AcsFlags Enabled)
{
    /// <summary>
    /// Linux's pci_acs_flags_enabled: only the features the function implements must be enabled
    /// (a port without upstream forwarding need not enable it).
    /// </summary>
    public AcsFlags MissingForIsolation
    {
        get
        {
            var wanted = AcsFlags.RequiredForIsolation & (Capabilities | AcsFlags.P2PEgressControl);
            return wanted & ~Enabled;
        }
    }

    public bool IsolationEnabled => MissingForIsolation == AcsFlags.None;
}
