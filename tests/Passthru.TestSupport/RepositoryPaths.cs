namespace Passthru.TestSupport;

/// <summary>Locates the repository (the directory holding Passthru.sln) from wherever a test runs.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Passthru.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Passthru.sln above {AppContext.BaseDirectory}.");
    });

    public static string Root => LazyRoot.Value;

    public static string CapturedFixtures => Path.Combine(Root, "tests", "fixtures", "captured");

    /// <summary>/proc/net/tcp and tcp6 captured with loopback connections of several users open (tests/fixtures/proc-net/README.md).</summary>
    public static string ProcNetFixtures => Path.Combine(Root, "tests", "fixtures", "proc-net");

    /// <summary>/proc/interrupts files captured from real kernels (tests/fixtures/interrupts/README.md).</summary>
    public static string InterruptFixtures => Path.Combine(Root, "tests", "fixtures", "interrupts");
}
