namespace Passthru.Core.Changes;

/// <summary>A line diff of two versions of a small text file, as a person reviews it: kept lines, removed (-) and added (+).</summary>
public static class TextDiff
{
    public enum Kind
    {
        Kept,
        Removed,
        Added,
    }

    public sealed record Line(Kind Kind, string Text)
    {
        public override string ToString() => (Kind switch { Kind.Added => "+", Kind.Removed => "-", _ => " " }) + Text;
    }

    /// <summary>The lines of <paramref name="before"/> turned into <paramref name="after"/>; a missing file is empty.</summary>
    public static IReadOnlyList<Line> Of(string? before, string? after)
    {
        var a = Split(before);
        var b = Split(after);
        // Longest common subsequence by dynamic programming: configuration files are tens of lines, not thousands.
        var lengths = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lengths[i, j] = a[i] == b[j] ? lengths[i + 1, j + 1] + 1 : Math.Max(lengths[i + 1, j], lengths[i, j + 1]);
            }
        }

        var lines = new List<Line>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                lines.Add(new Line(Kind.Kept, a[x++]));
                y++;
            }
            else if (y < b.Length && (x == a.Length || lengths[x, y + 1] >= lengths[x + 1, y]))
            {
                lines.Add(new Line(Kind.Added, b[y++]));
            }
            else
            {
                lines.Add(new Line(Kind.Removed, a[x++]));
            }
        }

        return lines;
    }

    private static string[] Split(string? text)
        => string.IsNullOrEmpty(text) ? [] : text.TrimEnd('\n').Split('\n');
}
