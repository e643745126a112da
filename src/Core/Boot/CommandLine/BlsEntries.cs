using Passthru.Core.Host;

namespace Passthru.Core.Boot.CommandLine;

/// <summary>Boot loader specification entries (<c>/boot/loader/entries/*.conf</c>): the kernel's line is each entry's <c>options</c> line.</summary>
public static class BlsEntries
{
    public const string Folder = "boot/loader/entries";

    /// <summary>The entries' files as the host spells them, in name order; links out of the root are skipped.</summary>
    public static IReadOnlyList<string> List(HostRoot root)
    {
        var folder = root.RealPath(Folder);
        if (folder is null || !Directory.Exists(folder))
        {
            return [];
        }

        return Directory.EnumerateFiles(folder, "*.conf").Select(Path.GetFileName).OfType<string>()
            .Where(name => root.RealPath($"{Folder}/{name}") is not null)
            .Order(StringComparer.Ordinal).Select(name => $"/{Folder}/{name}").ToArray();
    }

    public static IReadOnlyList<string> OptionsWords(string text)
        => text.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(IsOptions) is { } line ? KernelParameters.Split(line.Trim()[Options.Length..]) : [];

    /// <summary>The entry after the change: its options line edited, every other line as it was.</summary>
    public static string Apply(string text, ParameterChange change)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (IsOptions(lines[i].TrimEnd('\r')))
            {
                var start = lines[i].IndexOf(Options, StringComparison.Ordinal) + Options.Length;
                while (start < lines[i].Length && char.IsWhiteSpace(lines[i][start]))
                {
                    start++;
                }

                var words = KernelParameters.Split(lines[i][start..]);
                var after = KernelParameters.Apply(words, change);
                if (!words.SequenceEqual(after))
                {
                    lines[i] = lines[i][..start] + string.Join(' ', after);
                }
            }
        }

        return string.Join('\n', lines);
    }

    private const string Options = "options";

    private static bool IsOptions(string line)
    {
        var trimmed = line.TrimStart();
        return trimmed.StartsWith(Options, StringComparison.Ordinal) && trimmed.Length > Options.Length && char.IsWhiteSpace(trimmed[Options.Length]);
    }
}
