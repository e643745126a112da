using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Lab;

/// <summary>
/// <c>capture</c> on a real kernel: the archive, unpacked on the host and scanned by the same published
/// binary, gives the same JSON as <c>scan</c> of the kernel's own sysfs in the same boot (see <see cref="LabCaptureRun"/>).
/// </summary>
[Collection(LabCollection.Name)]
public sealed class LabCaptureTests(LabCaptureRun lab) : IClassFixture<LabCaptureRun>, IDisposable
{
    private readonly string _unpacked = Scratch.NewPath("passthru-lab-capture");

    public void Dispose()
    {
        if (Directory.Exists(_unpacked))
        {
            Directory.Delete(_unpacked, recursive: true);
        }
    }

    [LabBindingFact]
    public void Lab_RanToTheEnd()
    {
        Assert.True(lab.Succeeded, lab.RunLog);
        Assert.Equal(0, lab.ExitCode("scan"));
        Assert.True(lab.ExitCode("capture") == 0, lab.Read("capture.err"));
    }

    [LabBindingFact]
    public async Task Capture_UnpackedOnTheHost_ScansExactlyAsTheRealSysfsDid()
    {
        var realScan = lab.Read("scan.json");
        CapturedTrees.ExtractArchive(Path.Combine(lab.Output, "capture.tar.gz"), _unpacked);

        var fromArchive = await ProcessRunner.RunAsync(lab.App, ["scan", "--json", "--host-root", _unpacked]);
        var archiveAsRoot = await ProcessRunner.RunAsync(lab.App, ["scan", "--json", "--host-root", Path.Combine(lab.Output, "capture.tar.gz")]);

        Assert.Equal(realScan, fromArchive);
        Assert.Equal(realScan, archiveAsRoot);
        // Not two empty scans: the state the mode set up is in both.
        var sound = JsonDocument.Parse(realScan).RootElement.GetProperty("devices").EnumerateArray()
            .Single(d => d.GetProperty("device").GetProperty("address").GetString() == "0000:00:1b.0");
        Assert.Equal("vfio-pci", sound.GetProperty("device").GetProperty("driver").GetString());
        Assert.Equal("Ready", sound.GetProperty("passthrough").GetProperty("verdict").GetString());
    }

    [LabBindingFact]
    public void Capture_KeepsTheKernelsLinksAndReadsAttributesToTheEnd()
    {
        var entries = Entries(Path.Combine(lab.Output, "capture.tar.gz"));

        foreach (var line in lab.Read("links.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var (path, target) = (line.Split(' ')[0].TrimStart('/'), line.Split(' ')[1]);
            if (path == "proc/mounts")
            {
                // A link into the capturing process's /proc/PID: stored as the file it leads to, as Passthru reads it.
                Assert.Equal("self/mounts", target);
                Assert.Equal(TarEntryType.RegularFile, entries[path].EntryType);
                continue;
            }

            Assert.Equal(TarEntryType.SymbolicLink, entries[path].EntryType);
            Assert.Equal(target, entries[path].LinkName);
        }

        // Of the capturing process's own /proc, only the mount table by device number, at the path Passthru reads it by; never a PID directory.
        Assert.DoesNotContain(entries.Keys, k => (k.StartsWith("proc/self/", StringComparison.Ordinal) && k != "proc/self/mountinfo")
            || (k.Length > 5 && char.IsAsciiDigit(k[5]) && k.StartsWith("proc/", StringComparison.Ordinal)));
        Assert.Equal(TarEntryType.RegularFile, entries["proc/self/mountinfo"].EntryType);

        // sysfs says 4096 for every attribute; a read gives the real length, and so must the archive.
        CapturedTrees.ExtractArchive(Path.Combine(lab.Output, "capture.tar.gz"), _unpacked);
        foreach (var line in lab.Read("attributes.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            var throughLink = Path.Combine(_unpacked, $"sys/bus/pci/devices/{fields[0]}");
            Assert.Equal(long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture), new FileInfo(throughLink).Length);
        }

        Assert.Contains("0000:00:1b.0/vendor 7 4096", lab.Read("attributes.txt"), StringComparison.Ordinal);
        Assert.Equal(TarEntryType.RegularFile, entries["dev/vfio/8"].EntryType);
        Assert.Equal(0, entries["dev/vfio/8"].Length);
    }

    [LabBindingFact]
    public void Capture_Manifest_NamesTheKernelAndSkipsNothingOnARealKernel()
    {
        var entries = Entries(Path.Combine(lab.Output, "capture.tar.gz"));
        using var manifestStream = entries["passthru-capture.json"].DataStream!;
        var manifest = JsonDocument.Parse(manifestStream).RootElement;

        Assert.Equal(lab.Read("kernel.txt").Trim(), manifest.GetProperty("kernel").GetString());
        Assert.True(manifest.GetProperty("asRoot").GetBoolean());
        Assert.Equal("[]", manifest.GetProperty("skipped").GetRawText());
    }

    /// <summary>The archive's entries by name (data copied), read with .NET's own tar reader.</summary>
    private static Dictionary<string, TarEntry> Entries(string archive)
    {
        var entries = new Dictionary<string, TarEntry>(StringComparer.Ordinal);
        using var file = File.OpenRead(archive);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            entries[entry.Name.TrimEnd('/')] = entry;
        }

        return entries;
    }
}
