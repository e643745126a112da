namespace Passthru.Core.Checks;

/// <summary>The kernel parameters from <c>/proc/cmdline</c> that matter for passthrough.</summary>
public sealed record KernelCommandLine(string Text)
{
    public static readonly KernelCommandLine Unknown = new("");

    /// <summary>Parameters as name → value (null for bare flags); the last occurrence wins, as in the kernel.</summary>
    public IReadOnlyDictionary<string, string?> Parameters { get; } = ParseParameters(Text);

    public string? IntelIommu => Parameters.GetValueOrDefault("intel_iommu");
    public string? AmdIommu => Parameters.GetValueOrDefault("amd_iommu");
    public string? Iommu => Parameters.GetValueOrDefault("iommu");
    public string? IommuPassthrough => Parameters.GetValueOrDefault("iommu.passthrough");
    public string? AcsOverride => Parameters.GetValueOrDefault("pcie_acs_override");

    /// <summary>IDs from <c>vfio-pci.ids=</c> (also spelled <c>vfio_pci.ids=</c>): devices vfio-pci claims at boot.</summary>
    public IReadOnlyList<string> VfioPciIds
        => (Parameters.GetValueOrDefault("vfio-pci.ids") ?? Parameters.GetValueOrDefault("vfio_pci.ids"))
            ?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    public bool Has(string name) => Parameters.ContainsKey(name);

    private static Dictionary<string, string?> ParseParameters(string text)
    {
        var parameters = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var token in Tokenize(text))
        {
            var eq = token.IndexOf('=', StringComparison.Ordinal);
            parameters[eq < 0 ? token : token[..eq]] = eq < 0 ? null : token[(eq + 1)..].Trim('"');
        }

        return parameters;
    }

    /// <summary>Splits on spaces, keeping double-quoted values (<c>foo="a b"</c>) whole, as the kernel does.</summary>
    private static IEnumerable<string> Tokenize(string text)
    {
        var start = -1;
        var quoted = false;
        for (var i = 0; i <= text.Length; i++)
        {
            var atEnd = i == text.Length;
            var ch = atEnd ? ' ' : text[i];
            if (ch == '"')
            {
                quoted = !quoted;
            }

            if (char.IsWhiteSpace(ch) && (!quoted || atEnd))
            {
                if (start >= 0)
                {
                    yield return text[start..i];
                    start = -1;
                }
            }
            else if (start < 0)
            {
                start = i;
            }
        }
    }
}
