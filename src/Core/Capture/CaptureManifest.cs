namespace Passthru.Core.Capture;

/// <summary>
/// <c>passthru-capture.json</c>, the first file of every capture: where and when it was taken, by what,
/// what the archive holds and leaves out, and every path that could not be read (with the error).
/// </summary>
public sealed record CaptureManifest(
    string Tool,
    string ToolVersion,
    DateTimeOffset CapturedAt,
    string? HostName,
    string? Kernel,
    string HostRoot,
    bool AsRoot,
    int Files,
    int Links,
    int Directories,
    IReadOnlyList<string> Notes,
    IReadOnlyList<SkippedPath> Skipped,
    IReadOnlyList<string> Included,
    IReadOnlyList<string> Excluded)
{
    public const string FileName = "passthru-capture.json";
}
