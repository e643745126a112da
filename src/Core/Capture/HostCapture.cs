using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Encodings.Web;
using System.Text.Json;
using Passthru.Core.Host;

namespace Passthru.Core.Capture;

/// <summary>
/// Writes what Passthru reads of a host (<see cref="CaptureScope"/>) as a tar.gz that unpacks to a host
/// root: attach it to a bug report, and anyone opens it with <c>--host-root</c>. Nothing is written
/// under the host root and no device file is opened.
/// </summary>
public static class HostCapture
{
    private static readonly JsonSerializerOptions ManifestJson = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // read by people and jq, never embedded in HTML
    };

    /// <param name="toolVersion">The version of the program that captures, for the manifest.</param>
    public static CaptureManifest Write(HostRoot root, Stream destination, string toolVersion, DateTimeOffset capturedAt)
    {
        ArgumentNullException.ThrowIfNull(root);
        var tree = new CaptureTree();
        new CaptureWalker(root, tree).Walk();
        var manifest = Manifest(root, tree, toolVersion, capturedAt);

        using var gzip = new GZipStream(destination, CompressionLevel.Optimal, leaveOpen: true);
        using var writer = new TarWriter(gzip, TarEntryFormat.Gnu, leaveOpen: true);
        writer.WriteEntry(Entry(CaptureManifest.FileName,
            new CaptureEntry(CaptureEntryKind.File, (UnixFileMode)0b110_100_100, JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJson)), capturedAt));
        foreach (var (path, entry) in tree.Entries)
        {
            writer.WriteEntry(Entry(path, entry, capturedAt));
        }

        return manifest;
    }

    private static GnuTarEntry Entry(string path, CaptureEntry entry, DateTimeOffset time)
    {
        var tar = entry.Kind switch
        {
            CaptureEntryKind.Directory => new GnuTarEntry(TarEntryType.Directory, path + "/"),
            CaptureEntryKind.SymbolicLink => new GnuTarEntry(TarEntryType.SymbolicLink, path) { LinkName = entry.LinkTarget! },
            _ => new GnuTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(entry.Content!, writable: false) },
        };
        // Owner-readable whatever the source said, so the unpacked tree reads without root.
        tar.Mode = entry.Kind == CaptureEntryKind.SymbolicLink ? entry.Mode : entry.Mode | UnixFileMode.UserRead;
        tar.ModificationTime = time;
        tar.AccessTime = time;
        tar.ChangeTime = time;
        tar.Uid = 0;
        tar.Gid = 0;
        return tar;
    }

    private static CaptureManifest Manifest(HostRoot root, CaptureTree tree, string toolVersion, DateTimeOffset capturedAt)
    {
        var asRoot = Environment.IsPrivilegedProcess;
        var notes = new List<string>();
        if (!asRoot)
        {
            notes.Add("Not captured as root: the kernel shows other users only the first 64 bytes of a config space, " +
                "so PCIe types and ACS are unknown in this capture. Run the capture with sudo.");
        }

        var warnings = new List<string>();
        using var kernel = new SysfsDirectory(root.Resolve("proc/sys/kernel"), warnings);
        using var proc = new SysfsDirectory(root.Resolve("proc"), warnings);
        return new CaptureManifest(
            "Passthru", toolVersion, capturedAt,
            kernel.ReadText("hostname") ?? (root.Path == "/" ? Environment.MachineName : null),
            kernel.ReadText("osrelease") ?? KernelFromVersion(proc.ReadText("version")),
            root.Path, asRoot,
            tree.Count(CaptureEntryKind.File), tree.Count(CaptureEntryKind.SymbolicLink), tree.Count(CaptureEntryKind.Directory),
            notes, tree.Skipped, CaptureScope.Included, CaptureScope.Excluded);
    }

    /// <summary>"Linux version 6.1.0-56-amd64 (debian-kernel@...) ..." → "6.1.0-56-amd64".</summary>
    internal static string? KernelFromVersion(string? version)
        => version?.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, "version", var release, ..] ? release : null;
}
