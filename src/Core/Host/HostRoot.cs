namespace Passthru.Core.Host;

/// <summary>
/// The directory every sysfs and procfs path is read under: <c>/</c> on a real host, a captured
/// tree in tests and bug reports. Paths are given relative to it (<c>sys/bus/pci/devices</c>) and
/// never leave it: a relative path with <c>..</c>, a rooted path or a NUL is refused, and a symlink
/// that resolves outside the root is not followed.
/// </summary>
/// <remarks>
/// Where containment is checked, and why there. sysfs is made of relative links that climb
/// (<c>bus/pci/devices/0000:00:1b.0 → ../../../devices/pci0000:00/0000:00:1b.0</c>, <c>driver →
/// ../../../bus/pci/drivers/snd_hda_intel</c>), so forbidding <c>..</c> in link targets would forbid
/// sysfs itself. Instead: (1) the path the code builds is checked as text (<see cref="Resolve"/>): no
/// <c>..</c> that climbs out, nothing absolute, no NUL; its parts are constants and names that were
/// validated first (a <see cref="Pci.PciAddress"/> prints only hex, ':' and '.', whatever the request
/// said); (2) where a link is followed to a directory that is then read (a device) or to a file that is
/// written (<c>driver/unbind</c>), the end of the walk is checked (<see cref="RealPath"/>), so a link in a
/// captured tree that points elsewhere is not followed; (3) attributes are opened with O_NOFOLLOW.
/// On a real host the root is <c>/</c> and (2) holds for every path: sysfs's links stay in /sys.
/// </remarks>
public sealed class HostRoot
{
    public HostRoot(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(Path))
        {
            throw new DirectoryNotFoundException($"The host root '{Path}' does not exist or is not a directory.");
        }

        _prefix = Path.EndsWith('/') ? Path : Path + "/";
    }

    private readonly string _prefix;

    /// <summary>The absolute, normalised root directory.</summary>
    public string Path { get; }

    /// <summary>The absolute path of <paramref name="relativePath"/> under the root.</summary>
    /// <exception cref="ArgumentException">The path is rooted, holds a NUL or climbs out with <c>..</c>.</exception>
    public string Resolve(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        if (relativePath.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A host path may not contain a NUL character.", nameof(relativePath));
        }

        if (System.IO.Path.IsPathRooted(relativePath))
        {
            throw new ArgumentException($"Host paths are relative to the host root; '{relativePath}' is absolute.", nameof(relativePath));
        }

        var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(Path, relativePath));
        if (!Contains(full))
        {
            throw new ArgumentException($"'{relativePath}' leaves the host root.", nameof(relativePath));
        }

        return full;
    }

    /// <summary>Whether an absolute path lies under the root (or is the root).</summary>
    public bool Contains(string absolutePath)
        => absolutePath == Path || absolutePath.StartsWith(_prefix, StringComparison.Ordinal);

    /// <summary>The path relative to the root, for display and for the model (<c>sys/devices/pci0000:00/...</c>).</summary>
    public string ToRelative(string absolutePath)
        => absolutePath == Path ? "" : absolutePath.StartsWith(_prefix, StringComparison.Ordinal) ? absolutePath[_prefix.Length..] : absolutePath;

    /// <summary>
    /// Resolves every symlink in <paramref name="relativePath"/> and returns the real absolute path,
    /// or null if it does not exist or resolves outside the root. Symlinks in sysfs are relative
    /// (<c>../../../devices/...</c>), so inside a captured tree they resolve inside the tree.
    /// </summary>
    /// <param name="cache">
    /// Resolutions of path prefixes to reuse within one scan: devices share most of their path,
    /// and resolving every component anew cost more than reading the device.
    /// </param>
    public string? RealPath(string relativePath, Dictionary<string, string?>? cache = null)
    {
        var full = Resolve(relativePath);
        try
        {
            var resolved = ResolveLinks(full, 0, cache ?? []);
            return resolved is not null && Contains(resolved) && (Directory.Exists(resolved) || File.Exists(resolved)) ? resolved : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>realpath(3) in managed code: walks from the top, resolving a link wherever one is met.</summary>
    private static string? ResolveLinks(string path, int depth, Dictionary<string, string?> cache)
    {
        // Bounded: sysfs link chains are short, and a loop must not hang the scan.
        if (depth > 16)
        {
            return null;
        }

        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = "/";
        for (var i = 0; i < parts.Length; i++)
        {
            var unresolved = System.IO.Path.Combine(current, parts[i]);
            if (!cache.TryGetValue(unresolved, out var next))
            {
                next = unresolved;
                var hops = 0;
                while (next is not null && NativeFile.ReadLink(next) is { } target)
                {
                    next = ++hops > 16 ? null : ResolveLinks(System.IO.Path.GetFullPath(System.IO.Path.Combine(current, target)), depth + 1, cache);
                }

                cache[unresolved] = next;
            }

            if (next is null)
            {
                return null;
            }

            current = next;
        }

        return current;
    }
}
