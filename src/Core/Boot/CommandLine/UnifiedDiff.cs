using System.Text;

namespace Passthru.Core.Boot.CommandLine;

/// <summary>A unified diff of two texts (as <c>diff -u</c> prints it, three lines of context), for a person to read before a file is written.</summary>
public static class UnifiedDiff
{
    private const int Context = 3;

    public static string Of(string path, string before, string after)
    {
        var a = Lines(before);
        var b = Lines(after);

        // Longest common subsequence over lines: boot loader files are a few dozen lines.
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var ops = new List<(char Op, int A, int B)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                ops.Add((' ', x++, y++));
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                ops.Add(('-', x++, y));
            }
            else
            {
                ops.Add(('+', x, y++));
            }
        }

        if (ops.All(o => o.Op == ' '))
        {
            return "";
        }

        var text = new StringBuilder().Append("--- ").Append(path).Append('\n').Append("+++ ").Append(path).Append('\n');
        var k = 0;
        while (k < ops.Count)
        {
            if (ops[k].Op == ' ')
            {
                k++;
                continue;
            }

            // One hunk: from Context lines before this change to Context lines after the last change within reach.
            var start = Math.Max(0, k - Context);
            var end = k;
            while (end < ops.Count)
            {
                var next = ops.FindIndex(end, o => o.Op != ' ');
                if (next < 0 || next - end > 2 * Context)
                {
                    break;
                }

                end = ops.FindIndex(next, o => o.Op == ' ') is var same and >= 0 ? same : ops.Count;
            }

            end = Math.Min(ops.Count, end + Context);
            var hunk = ops.GetRange(start, end - start);
            var aCount = hunk.Count(o => o.Op != '+');
            var bCount = hunk.Count(o => o.Op != '-');
            text.Append("@@ -").Append(Position(hunk[0].A, aCount)).Append(" +").Append(Position(hunk[0].B, bCount)).Append(" @@\n");
            foreach (var (op, ai, bi) in hunk)
            {
                text.Append(op).Append(op == '+' ? b[bi] : a[ai]).Append('\n');
            }

            k = end;
        }

        return text.ToString();
    }

    /// <summary>The text's lines; the newline that ends the last one starts no line of its own.</summary>
    private static string[] Lines(string text) => (text.EndsWith('\n') ? text[..^1] : text).Split('\n');

    private static string Position(int index, int count) => count == 0 ? $"{index},0" : count == 1 ? $"{index + 1}" : $"{index + 1},{count}";
}
