using Passthru.Core.Host;

namespace Passthru.Core.Pci;

/// <summary>Finds the pci.ids file: the configured path, else the usual places under the host root, then on this machine.</summary>
public static class PciIdsLocator
{
    public static readonly IReadOnlyList<string> WellKnownPaths =
        ["usr/share/misc/pci.ids", "usr/share/hwdata/pci.ids", "usr/share/pci.ids"];

    /// <summary>The file to load, or null: then devices are shown by IDs only.</summary>
    public static string? Find(HostRoot hostRoot, string? configuredPath)
    {
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            return File.Exists(configuredPath) ? Path.GetFullPath(configuredPath) : null;
        }

        var candidates = WellKnownPaths.Select(hostRoot.Resolve).Concat(WellKnownPaths.Select(p => "/" + p));
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>Loads the names, or <see cref="PciIds.Empty"/> when there is no readable file (never an error).</summary>
    public static PciIds LoadOrEmpty(string? path)
    {
        if (path is null)
        {
            return PciIds.Empty;
        }

        try
        {
            return PciIds.Load(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return PciIds.Empty;
        }
    }
}
