using System.Collections.Concurrent;
using System.Formats.Tar;
using System.IO.Compression;

namespace Passthru.TestSupport;

/// <summary>
/// The sysfs/procfs trees captured from a real kernel in the qemu lab (tests/lab/capture.sh), stored
/// as tar.gz in tests/fixtures/captured. Each is unpacked once per test process into a temp directory.
/// </summary>
public static class CapturedTrees
{
    private static readonly ConcurrentDictionary<string, Lazy<string>> Extracted = new();
    private static readonly string ExtractionRoot = System.IO.Path.Combine(Scratch.Root, "passthru-fixtures");

    /// <summary>Names of every captured tree (file names without .tar.gz).</summary>
    public static IReadOnlyList<string> Names { get; } = Directory.Exists(RepositoryPaths.CapturedFixtures)
        ? Directory.GetFiles(RepositoryPaths.CapturedFixtures, "*.tar.gz").Select(f => System.IO.Path.GetFileName(f)[..^".tar.gz".Length]).Order(StringComparer.Ordinal).ToArray()
        : [];

    /// <summary>xunit MemberData over every captured tree.</summary>
    public static TheoryDataRows All => new(Names);

    /// <summary>
    /// Whether a tree comes from the nested run (tests/lab/capture-nested.sh, "run: nested" in its lab-info.txt)
    /// rather than from tests/lab/capture.sh, so a fresh capture.sh run is not expected to produce it.
    /// </summary>
    public static bool IsFromNestedRun(string name)
        => File.ReadLines(System.IO.Path.Combine(Path(name), "lab-info.txt")).Contains("run: nested", StringComparer.Ordinal);

    /// <summary>The unpacked tree's root directory (the host root: it holds sys/, proc/, etc/).</summary>
    public static string Path(string name) => Extracted.GetOrAdd(name, n => new Lazy<string>(() => Extract(n))).Value;

    /// <summary>
    /// Unpacks into a directory named by the archive's hash, so test processes share one copy and a
    /// changed fixture gets a fresh one. Trees are read-only by convention: a test that changes one copies it first.
    /// </summary>
    private static string Extract(string name)
    {
        var archive = System.IO.Path.Combine(RepositoryPaths.CapturedFixtures, name + ".tar.gz");
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(archive)))[..12];
        var destination = System.IO.Path.Combine(ExtractionRoot, $"{name}-{hash}");
        if (File.Exists(System.IO.Path.Combine(destination, ".complete")))
        {
            return destination;
        }

        var staging = $"{destination}.{Environment.ProcessId}.tmp";
        ExtractArchive(archive, staging);
        File.WriteAllText(System.IO.Path.Combine(staging, ".complete"), archive);
        try
        {
            Directory.Move(staging, destination);
        }
        catch (IOException) when (File.Exists(System.IO.Path.Combine(destination, ".complete")))
        {
            // Another test process won the race; its copy is identical.
            Directory.Delete(staging, recursive: true);
        }

        return destination;
    }

    /// <summary>A private, writable copy of a captured tree (for tests that write to it); the caller deletes it.</summary>
    public static string Copy(string name)
    {
        var destination = Scratch.NewPath($"passthru-tree-{name}");
        // cp -a keeps links as links and modes as they are, and is far quicker than unpacking the archive again.
        using var copy = System.Diagnostics.Process.Start("cp", ["-a", Path(name), destination]);
        copy.WaitForExit();
        if (copy.ExitCode != 0)
        {
            throw new IOException($"cp -a {Path(name)} {destination} failed with {copy.ExitCode}.");
        }

        return destination;
    }

    /// <summary>Unpacks a tar.gz, symlinks kept as links.</summary>
    public static void ExtractArchive(string archive, string destination)
    {
        Directory.CreateDirectory(destination);
        using var file = File.OpenRead(archive);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        TarFile.ExtractToDirectory(gzip, destination, overwriteFiles: true);
    }
}

/// <summary>A list of single strings as theory data, without depending on xunit here.</summary>
public sealed class TheoryDataRows(IEnumerable<string> values) : IEnumerable<object[]>
{
    public IEnumerator<object[]> GetEnumerator() => values.Select(v => new object[] { v }).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
