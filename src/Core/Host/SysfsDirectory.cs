using System.Globalization;

namespace Passthru.Core.Host;

/// <summary>
/// Reads attributes of one sysfs directory (a PCI device, an IOMMU group). A scan must survive a
/// device that is hot-unplugged or an attribute it may not read, so every read answers "absent"
/// (null) instead of throwing, and records a warning when an attribute that should be there
/// could not be read.
/// </summary>
public sealed class SysfsDirectory(string absolutePath, ICollection<string> warnings)
{
    public string Path { get; } = absolutePath;

    /// <summary>The attribute's text with the trailing newline removed, or null if absent or unreadable.</summary>
    public string? ReadText(string name, bool expected = false)
    {
        try
        {
            return System.Text.Encoding.UTF8.GetString(ReadToEnd(System.IO.Path.Combine(Path, name))).TrimEnd('\n', '\0', ' ');
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            if (expected)
            {
                warnings.Add($"{name}: missing (the device may have been removed during the scan)");
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            warnings.Add($"{name}: could not be read ({ex.Message})");
            return null;
        }
    }

    /// <summary>A hex attribute like <c>0x8086</c>, or null if absent or not hex.</summary>
    public uint? ReadHex(string name, bool expected = false)
    {
        var text = ReadText(name, expected);
        if (text is null)
        {
            return null;
        }

        var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        if (uint.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        warnings.Add($"{name}: '{text}' is not a hex number");
        return null;
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

        warnings.Add($"{name}: '{text}' is not a number");
        return null;
    }

    /// <summary>The last path segment of a symlink's target (<c>driver</c> → <c>snd_hda_intel</c>), or null if there is no link.</summary>
    public string? ReadLinkName(string name)
    {
        try
        {
            var target = new FileInfo(System.IO.Path.Combine(Path, name)).LinkTarget;
            return target is null ? null : System.IO.Path.GetFileName(target.TrimEnd('/'));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            warnings.Add($"{name}: link could not be read ({ex.Message})");
            return null;
        }
    }

    /// <summary>Raw bytes (PCI config space), or null. Reads to EOF: sysfs reports sizes that are not the content length.</summary>
    public byte[]? ReadBytes(string name)
    {
        try
        {
            return ReadToEnd(System.IO.Path.Combine(Path, name));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            warnings.Add($"{name}: could not be read ({ex.Message})");
            return null;
        }
    }

    public bool Exists(string name) => System.IO.Path.Exists(System.IO.Path.Combine(Path, name));

    /// <summary>Names of entries matching a pattern (<c>virtfn*</c>), or none if the directory vanished.</summary>
    public IReadOnlyList<string> List(string pattern = "*")
    {
        try
        {
            return Directory.EnumerateFileSystemEntries(Path, pattern).Select(System.IO.Path.GetFileName).OfType<string>().ToArray();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>
    /// Reads until EOF. File.ReadAllBytes trusts the reported length, but sysfs reports 4096 for
    /// every attribute and a non-root read of <c>config</c> returns only 64 bytes.
    /// </summary>
    internal static byte[] ReadToEnd(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer, 4096);
        return buffer.ToArray();
    }
}
