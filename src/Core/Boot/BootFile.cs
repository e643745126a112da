namespace Passthru.Core.Boot;

/// <summary>One file the claims need, relative to the configuration root, with its text and why it is there.</summary>
public sealed record BootFile(string Path, string Text, string Why, bool IsExecutable = false);

/// <summary>What a claim or release does to one file: write it (new or changed) or delete it.</summary>
/// <param name="Before">The file's text now; null when it does not exist.</param>
/// <param name="After">Its text afterwards; null when it is deleted.</param>
public sealed record BootFileChange(string Path, string? Before, string? After, string Why, bool IsExecutable = false)
{
    public string Verb => After is null ? "delete" : Before is null ? "create" : "rewrite";
}
