namespace Passthru.Core.Capture;

/// <summary>One entry of a capture: a directory, a file with the bytes read from it, or a symlink with its target text.</summary>
internal sealed record CaptureEntry(CaptureEntryKind Kind, UnixFileMode Mode, byte[]? Content = null, string? LinkTarget = null);

internal enum CaptureEntryKind
{
    Directory,
    File,
    SymbolicLink,
}

/// <summary>A path the capture left out, and why (the errno text of a failed read, a link that leaves the root).</summary>
public sealed record SkippedPath(string Path, string Reason);

/// <summary>
/// The tree a capture builds in memory before it is written, keyed by the path relative to the host
/// root (<c>sys/bus/pci/devices/0000:00:1b.0</c>). Every entry's parent directories are added with it,
/// so the archive unpacks in order; a path is stored once, whoever adds it first.
/// </summary>
internal sealed class CaptureTree
{
    private const UnixFileMode DirectoryMode = (UnixFileMode)0b111_101_101; // 0755, as sysfs and procfs directories are

    private readonly SortedDictionary<string, CaptureEntry> _entries = new(StringComparer.Ordinal);
    private readonly List<SkippedPath> _skipped = [];

    /// <summary>Every entry, parents before children (ordinal order puts a directory before its contents).</summary>
    public IEnumerable<KeyValuePair<string, CaptureEntry>> Entries => _entries;

    public IReadOnlyList<SkippedPath> Skipped => _skipped;

    public int Count(CaptureEntryKind kind) => _entries.Values.Count(e => e.Kind == kind);

    public bool Contains(string path) => _entries.ContainsKey(path);

    public void AddDirectory(string path)
    {
        if (path.Length > 0 && AddParents(path))
        {
            _entries.TryAdd(path, new CaptureEntry(CaptureEntryKind.Directory, DirectoryMode));
        }
    }

    public void AddFile(string path, byte[] content, UnixFileMode mode)
    {
        if (AddParents(path))
        {
            _entries.TryAdd(path, new CaptureEntry(CaptureEntryKind.File, mode, Content: content));
        }
    }

    public void AddLink(string path, string target)
    {
        if (AddParents(path))
        {
            _entries.TryAdd(path, new CaptureEntry(CaptureEntryKind.SymbolicLink, (UnixFileMode)0b111_111_111, LinkTarget: target));
        }
    }

    public void Skip(string path, string reason) => _skipped.Add(new SkippedPath(path, reason));

    /// <summary>
    /// Adds the parent directories. Paths come from resolved (real) directories, so a parent is never a
    /// link; if one were (a tree that changed under the capture), the entry is skipped rather than
    /// stored below a link, where unpacking would write through it.
    /// </summary>
    private bool AddParents(string path)
    {
        var parent = System.IO.Path.GetDirectoryName(path);
        if (string.IsNullOrEmpty(parent))
        {
            return true;
        }

        if (_entries.TryGetValue(parent, out var existing))
        {
            if (existing.Kind == CaptureEntryKind.Directory)
            {
                return true;
            }

            Skip(path, $"its parent {parent} is already stored as a {existing.Kind}");
            return false;
        }

        if (!AddParents(parent))
        {
            return false;
        }

        _entries[parent] = new CaptureEntry(CaptureEntryKind.Directory, DirectoryMode);
        return true;
    }
}
