using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Passthru.Core.Host;

/// <summary>
/// Reads attributes of one sysfs directory (a PCI device, an IOMMU group). A scan must survive a
/// device that is hot-unplugged or an attribute it may not read, so every read answers "absent"
/// (null) instead of throwing, and records a warning when an attribute that should be there
/// could not be read. Attributes are read relative to the directory, opened once.
/// </summary>
public sealed class SysfsDirectory(string absolutePath, ICollection<string> warnings) : IDisposable
{
    private HashSet<string>? _entries;
    private SafeFileHandle? _handle;
    private int _openError;

    public string Path { get; } = absolutePath;

    /// <summary>The directory's entry names, listed once when first needed.</summary>
    private HashSet<string> Entries => _entries ??= ListEntries();

    /// <summary>The attribute's text with the trailing newline removed, or null if absent or unreadable.</summary>
    public string? ReadText(string name, bool expected = false)
        => ReadBytes(name, expected) is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes).TrimEnd('\n', '\0', ' ') : null;

    /// <summary>A hex attribute like <c>0x8086</c>, or null if absent, not hex, or above <paramref name="max"/>.</summary>
    /// <param name="max">
    /// The largest value the attribute can hold (0xffff for a vendor ID). A larger one is damaged, not
    /// to be cut to size: a cast once turned <c>0x18086</c> into Intel's 0x8086 (found by fuzzing).
    /// </param>
    public uint? ReadHex(string name, bool expected = false, uint max = uint.MaxValue)
    {
        var text = ReadText(name, expected);
        if (text is null)
        {
            return null;
        }

        var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        if (!uint.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            warnings.Add($"{name}: '{PrintableText.Of(text, 64)}' is not a hex number");
            return null;
        }

        if (value > max)
        {
            warnings.Add($"{name}: '{PrintableText.Of(text, 64)}' is larger than 0x{max.ToString("x", CultureInfo.InvariantCulture)}");
            return null;
        }

        return value;
    }

    /// <summary>A decimal attribute like <c>numa_node</c> (which may be -1), or null.</summary>
    public int? ReadInt(string name)
    {
        var text = ReadText(name);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        warnings.Add($"{name}: '{PrintableText.Of(text, 64)}' is not a number");
        return null;
    }

    /// <summary>The last path segment of a symlink's target (<c>driver</c> → <c>snd_hda_intel</c>), or null if there is no link.</summary>
    public string? ReadLinkName(string name)
        => NativeFile.ReadLink(System.IO.Path.Combine(Path, name)) is { } target ? System.IO.Path.GetFileName(target.TrimEnd('/')) : null;

    /// <summary>Raw bytes (PCI config space), or null. Reads to EOF: sysfs reports sizes that are not the content length.</summary>
    public byte[]? ReadBytes(string name, bool expected = false)
    {
        var outcome = TryRead(name, out var content, out var errno);
        if (outcome == NativeFile.Outcome.Read)
        {
            return content;
        }

        if (outcome == NativeFile.Outcome.Failed)
        {
            warnings.Add($"{name}: could not be read ({NativeFile.Describe(errno)})");
        }
        else if (expected)
        {
            warnings.Add($"{name}: missing (the device may have been removed during the scan)");
        }

        return null;
    }

    private NativeFile.Outcome TryRead(string name, out byte[] content, out int errno)
    {
        if (_handle is null)
        {
            _handle = NativeFile.OpenDirectory(Path, out _openError);
        }

        if (_handle.IsInvalid)
        {
            content = [];
            errno = _openError;
            return NativeFile.IsAbsence(errno) ? NativeFile.Outcome.Absent : NativeFile.Outcome.Failed;
        }

        return NativeFile.TryReadAll(_handle, name, out content, out errno);
    }

    /// <summary>Names of entries starting with a prefix (<c>virtfn</c>), or all of them; none if the directory vanished.</summary>
    public IReadOnlyList<string> List(string prefix = "")
        => Entries.Where(e => e.StartsWith(prefix, StringComparison.Ordinal)).ToArray();

    /// <summary>Every entry, dot-names included (the default skips them as "hidden").</summary>
    private static readonly EnumerationOptions AllEntries = new() { AttributesToSkip = 0, IgnoreInaccessible = true };

    private HashSet<string> ListEntries()
    {
        try
        {
            return new HashSet<string>(
                new System.IO.Enumeration.FileSystemEnumerable<string>(Path, (ref System.IO.Enumeration.FileSystemEntry entry) => entry.FileName.ToString(), AllEntries),
                StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    public void Dispose() => _handle?.Dispose();
}
