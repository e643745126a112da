using Passthru.Core.Host;

namespace Passthru.Core.Safety;

/// <summary>
/// What the host-use rules read under the host root: small files, directory listings and link targets.
/// Every answer for something absent, unreadable or named oddly is null or empty, never an exception:
/// names come from the files themselves (link targets, mount sources), and a damaged tree must leave a
/// dry run knowing less, not failing.
/// </summary>
internal sealed class HostReader(HostRoot root)
{
    /// <summary>
    /// Reads a file, following a final symlink inside the root: /proc/mounts is a link to self/mounts and
    /// /proc/self a link to the reader's PID, and an attribute read never follows one (O_NOFOLLOW).
    /// </summary>
    public string? Read(string path)
    {
        if (Resolve(path) is not { } full)
        {
            return null;
        }

        var real = root.RealPath(path) ?? full;
        using var directory = new SysfsDirectory(System.IO.Path.GetDirectoryName(real)!, []);
        return directory.ReadText(System.IO.Path.GetFileName(real));
    }

    public string? ReadTrimmed(string path) => Read(path)?.Trim();

    /// <summary>A directory's entry names (links included), or none.</summary>
    public IReadOnlyList<string> List(string directory)
    {
        if (Resolve(directory) is not { } full)
        {
            return [];
        }

        using var listing = new SysfsDirectory(full, []);
        return listing.List();
    }

    /// <summary>A symlink's target as stored, or null when the path is not a link.</summary>
    public string? LinkTarget(string path) => Resolve(path) is { } full ? NativeFile.ReadLink(full) : null;

    /// <summary>The last segment of a link's target (<c>master → ../../virtual/net/vmbr0</c> gives <c>vmbr0</c>), or null.</summary>
    public string? LinkName(string path)
        => LinkTarget(path) is { } target && System.IO.Path.GetFileName(target.TrimEnd('/')) is { Length: > 0 } name && IsName(name) ? name : null;

    /// <summary>The real directory a path leads to through its links, relative to the root, or null if it leads nowhere inside.</summary>
    public string? RealDirectory(string path)
        => Resolve(path) is not null && root.RealPath(path) is { } real && Directory.Exists(real) ? root.ToRelative(real) : null;

    public bool IsDirectory(string path) => Resolve(path) is { } full && Directory.Exists(full);

    /// <summary>Whether a name read from the host can stand as one path segment: not empty, no '/', not "." or "..".</summary>
    public static bool IsName(string name)
        => name.Length is > 0 and <= 255 && name is not ("." or "..") && !name.Contains('/', StringComparison.Ordinal) && !name.Contains('\0', StringComparison.Ordinal);

    private string? Resolve(string path)
    {
        try
        {
            return root.Resolve(path);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
