namespace Passthru.Core.Boot.CommandLine;

/// <summary>
/// Kernel parameters to add and to remove, only from the fixed set the host checks propose: this text
/// ends up in a boot loader's file and on a tool's command line as root, so nothing a caller typed
/// freely reaches either.
/// </summary>
public sealed record ParameterChange
{
    /// <summary>What may be added: <c>name=value</c>, replacing any value the name had.</summary>
    public static readonly IReadOnlyList<string> AllowedAdd = ["intel_iommu=on", "iommu=pt"];

    /// <summary>What may be removed: a bare name removes it whatever its value, <c>name=value</c> only that value.</summary>
    public static readonly IReadOnlyList<string> AllowedRemove = ["pcie_acs_override", "vfio-pci.ids", "amd_iommu=off"];

    private ParameterChange(IReadOnlyList<string> add, IReadOnlyList<string> remove)
    {
        Add = add;
        Remove = remove;
    }

    public IReadOnlyList<string> Add { get; }
    public IReadOnlyList<string> Remove { get; }

    public ParameterChange RemovalsOnly() => new([], Remove);

    public bool IsEmpty => Add.Count == 0 && Remove.Count == 0;

    public override string ToString()
        => string.Join(", ", Add.Select(a => "add " + a).Concat(Remove.Select(r => "remove " + r)));

    /// <summary>Checks every parameter against the allowed set; duplicates collapse, the order is the allowed set's.</summary>
    public static bool TryCreate(IEnumerable<string>? add, IEnumerable<string>? remove, out ParameterChange change, out string error)
    {
        var adds = (add ?? []).ToArray();
        var removes = (remove ?? []).ToArray();
        change = new ParameterChange([], []);
        if (adds.FirstOrDefault(a => !AllowedAdd.Contains(a)) is { } badAdd)
        {
            error = $"'{Shown(badAdd)}' cannot be added: only {string.Join(", ", AllowedAdd)}.";
            return false;
        }

        if (removes.FirstOrDefault(r => !AllowedRemove.Contains(r)) is { } badRemove)
        {
            error = $"'{Shown(badRemove)}' cannot be removed: only {string.Join(", ", AllowedRemove)}.";
            return false;
        }

        change = new ParameterChange(AllowedAdd.Where(adds.Contains).ToArray(), AllowedRemove.Where(removes.Contains).ToArray());
        error = "";
        if (change.IsEmpty)
        {
            error = "Nothing to add or remove.";
            return false;
        }

        return true;
    }

    private static string Shown(string text) => Host.PrintableText.Of(text, 64);
}
