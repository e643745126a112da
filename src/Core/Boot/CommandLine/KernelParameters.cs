namespace Passthru.Core.Boot.CommandLine;

/// <summary>
/// A kernel command line as words, edited parameter by parameter: adding <c>iommu=pt</c> replaces
/// <c>iommu=off</c>, removing <c>pcie_acs_override</c> removes it whatever its value. Words the
/// edit does not touch are kept as they were, in their order (a boot loader's <c>$vt_handoff</c> too).
/// </summary>
public static class KernelParameters
{
    /// <summary>The words of a line, splitting on blanks but keeping <c>name="a b"</c> whole, as the kernel does.</summary>
    public static IReadOnlyList<string> Split(string line)
    {
        var words = new List<string>();
        var start = -1;
        var quoted = false;
        for (var i = 0; i <= line.Length; i++)
        {
            var atEnd = i == line.Length;
            var ch = atEnd ? ' ' : line[i];
            if (ch == '"')
            {
                quoted = !quoted;
            }

            if (char.IsWhiteSpace(ch) && (!quoted || atEnd))
            {
                if (start >= 0)
                {
                    words.Add(line[start..i]);
                    start = -1;
                }
            }
            else if (start < 0)
            {
                start = i;
            }
        }

        return words;
    }

    /// <summary>A word's name, spelled as the kernel compares it: <c>-</c> and <c>_</c> are the same in a parameter's name.</summary>
    public static string NameOf(string word)
    {
        var eq = word.IndexOf('=', StringComparison.Ordinal);
        return (eq < 0 ? word : word[..eq]).Replace('-', '_');
    }

    public static string? ValueOf(string word)
    {
        var eq = word.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? null : word[(eq + 1)..].Trim('"');
    }

    /// <summary>Whether a removal (a bare name, or <c>name=value</c>) matches this word.</summary>
    public static bool Matches(string removal, string word)
        => NameOf(removal) == NameOf(word) && (!removal.Contains('=', StringComparison.Ordinal) || ValueOf(removal) == ValueOf(word));

    /// <summary>The words after the change: removals dropped, each addition replacing its name's words (at the first one's place) or appended.</summary>
    public static IReadOnlyList<string> Apply(IReadOnlyList<string> words, ParameterChange change)
    {
        var result = words.Where(w => !change.Remove.Any(r => Matches(r, w))).ToList();
        foreach (var add in change.Add)
        {
            var at = result.FindIndex(w => NameOf(w) == NameOf(add));
            result.RemoveAll(w => NameOf(w) == NameOf(add));
            result.Insert(at < 0 ? result.Count : Math.Min(at, result.Count), add);
        }

        return result;
    }

    /// <summary>The line after the change; the same text when nothing changes, so a no-op writes nothing.</summary>
    public static string Apply(string line, ParameterChange change)
    {
        var words = Split(line);
        var after = Apply(words, change);
        return words.SequenceEqual(after) ? line : string.Join(' ', after);
    }
}
