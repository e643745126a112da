using System.Formats.Tar;
using System.IO.Compression;

namespace Passthru.Core.Capture;

/// <summary>
/// A capture (or any tar.gz of a host tree) unpacked into a private temporary directory, to be used as
/// the host root; deleted on dispose. The archive may come from a stranger's bug report, so only
/// directories, regular files and symlinks are unpacked (no device nodes, FIFOs or hard links), nothing
/// may land or point outside the directory (TarFile refuses that itself), and the size is bounded.
/// </summary>
public sealed class UnpackedCapture : IDisposable
{
    /// <summary>Far above any capture (a few MB with pci.ids); stops a decompression bomb before it fills /tmp.</summary>
    public const long MaxUnpackedBytes = 1L << 30;

    private static readonly HashSet<TarEntryType> Allowed =
    [
        TarEntryType.Directory, TarEntryType.RegularFile, TarEntryType.V7RegularFile, TarEntryType.SymbolicLink,
        TarEntryType.GlobalExtendedAttributes,
    ];

    private UnpackedCapture(string path) => Path = path;

    /// <summary>The unpacked tree's root directory.</summary>
    public string Path { get; }

    /// <summary>Whether a host root names an archive rather than a directory.</summary>
    public static bool IsArchive(string path)
        => (path.EndsWith(".tar.gz", StringComparison.Ordinal) || path.EndsWith(".tgz", StringComparison.Ordinal)) && File.Exists(path);

    /// <exception cref="InvalidDataException">Not a tar.gz, or it holds what a capture never does.</exception>
    /// <exception cref="IOException">An entry would land or point outside the directory, or the disk is full.</exception>
    public static UnpackedCapture Unpack(string archive)
    {
        Check(archive);
        var directory = Directory.CreateTempSubdirectory("passthru-root-").FullName;
        try
        {
            using var file = File.OpenRead(archive);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            TarFile.ExtractToDirectory(gzip, directory, overwriteFiles: false);
            return new UnpackedCapture(directory);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>A first pass that reads only headers and sizes, so nothing is written from an archive that will be refused.</summary>
    private static void Check(string archive)
    {
        using var file = File.OpenRead(archive);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        long total = 0;
        while (reader.GetNextEntry() is { } entry)
        {
            if (!Allowed.Contains(entry.EntryType))
            {
                throw new InvalidDataException($"{archive}: '{entry.Name}' is a {entry.EntryType} entry; a host capture holds only directories, files and symlinks.");
            }

            total += entry.Length;
            if (total > MaxUnpackedBytes)
            {
                throw new InvalidDataException($"{archive}: unpacks to more than {MaxUnpackedBytes >> 20} MiB, far more than a host capture.");
            }
        }
    }

    public void Dispose()
    {
        try
        {
            // Symlinks are removed, never followed.
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
