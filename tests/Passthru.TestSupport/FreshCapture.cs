namespace Passthru.TestSupport;

/// <summary>
/// Trees captured by the test command's own lab run (tests/lab/capture.sh into a temporary directory,
/// announced in PASSTHRU_FRESH_CAPTURE), to compare a freshly booted kernel with the committed fixtures.
/// </summary>
public static class FreshCapture
{
    public const string Variable = "PASSTHRU_FRESH_CAPTURE";

    public static string? Directory => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } dir ? dir : null;

    /// <summary>Unpacks one fresh snapshot next to its archive and returns the tree's root.</summary>
    public static string Path(string name)
    {
        var archive = System.IO.Path.Combine(Directory ?? throw new InvalidOperationException($"{Variable} is not set."), name + ".tar.gz");
        var destination = System.IO.Path.Combine(Directory, "unpacked", name);
        if (!System.IO.Directory.Exists(destination))
        {
            CapturedTrees.ExtractArchive(archive, destination);
        }

        return destination;
    }
}
