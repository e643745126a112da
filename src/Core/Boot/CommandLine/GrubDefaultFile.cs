namespace Passthru.Core.Boot.CommandLine;

/// <summary>
/// <c>/etc/default/grub</c>, a shell fragment: the kernel's line is <c>GRUB_CMDLINE_LINUX</c> (every
/// entry) followed by <c>GRUB_CMDLINE_LINUX_DEFAULT</c> (normal entries). An edit rewrites only the
/// last assignment of each (the one the shell keeps), in the quotes it had.
/// </summary>
public static class GrubDefaultFile
{
    public const string Linux = "GRUB_CMDLINE_LINUX";
    public const string LinuxDefault = "GRUB_CMDLINE_LINUX_DEFAULT";

    /// <summary>The words both variables give the kernel, in the kernel's order.</summary>
    public static IReadOnlyList<string> ConfiguredWords(string text)
    {
        var lines = text.Split('\n');
        return [.. WordsOf(lines, Linux), .. WordsOf(lines, LinuxDefault)];
    }

    /// <summary>The file after the change: removals from both variables; an addition replaces its name where it is, else goes to the default line.</summary>
    /// <exception cref="BootSetupException">An assignment is more than one plain quoted or bare value, which this edit will not guess at.</exception>
    public static string Apply(string text, ParameterChange change)
    {
        var lines = text.Split('\n');
        var linux = Find(lines, Linux);
        var @default = Find(lines, LinuxDefault);
        var linuxWords = linux is null ? [] : KernelParameters.Apply(linux.Value.Words, change.RemovalsOnly()).ToList();
        var defaultWords = @default is null ? [] : KernelParameters.Apply(@default.Value.Words, change.RemovalsOnly()).ToList();
        foreach (var add in change.Add)
        {
            var name = KernelParameters.NameOf(add);
            var inLinux = linuxWords.Any(w => KernelParameters.NameOf(w) == name);
            var inDefault = defaultWords.Any(w => KernelParameters.NameOf(w) == name);
            var addTo = inLinux && !inDefault ? linuxWords : defaultWords;
            var other = ReferenceEquals(addTo, linuxWords) ? defaultWords : linuxWords;
            other.RemoveAll(w => KernelParameters.NameOf(w) == name);
            var at = addTo.FindIndex(w => KernelParameters.NameOf(w) == name);
            addTo.RemoveAll(w => KernelParameters.NameOf(w) == name);
            addTo.Insert(at < 0 ? addTo.Count : at, add);
        }

        var result = lines.ToList();
        Rewrite(result, linux, linuxWords);
        if (@default is null && defaultWords.Count > 0)
        {
            // No default line yet: one goes after the last line with text, so the file still ends as it did.
            var last = result.FindLastIndex(l => l.Trim().Length > 0);
            result.Insert(last + 1, $"{LinuxDefault}=\"{string.Join(' ', defaultWords)}\"");
        }
        else
        {
            Rewrite(result, @default, defaultWords);
        }

        return string.Join('\n', result);
    }

    private static void Rewrite(List<string> lines, Assignment? assignment, IReadOnlyList<string> words)
    {
        if (assignment is not { } a || a.Words.SequenceEqual(words))
        {
            return;
        }

        var value = string.Join(' ', words);
        var quote = a.Quote ?? (words.Count > 1 ? '"' : null);
        lines[a.Line] = quote is { } q ? $"{a.Prefix}{q}{value}{q}" : a.Prefix + value;
    }

    private static IReadOnlyList<string> WordsOf(string[] lines, string variable) => Find(lines, variable)?.Words ?? [];

    private readonly record struct Assignment(int Line, string Prefix, char? Quote, IReadOnlyList<string> Words);

    private static Assignment? Find(string[] lines, string variable)
    {
        for (var i = lines.Length - 1; i >= 0; i--)
        {
            var line = lines[i].TrimEnd('\r');
            var start = line.Length - line.TrimStart().Length;
            var body = line[start..];
            if (body.StartsWith("export ", StringComparison.Ordinal))
            {
                body = body["export ".Length..].TrimStart();
            }

            if (!body.StartsWith(variable + "=", StringComparison.Ordinal))
            {
                continue;
            }

            var value = body[(variable.Length + 1)..].TrimEnd();
            var prefix = line[..(line.IndexOf(variable + "=", StringComparison.Ordinal) + variable.Length + 1)];
            if (value.Length >= 2 && value[0] is '"' or '\'' && value[^1] == value[0] && value[1..^1].IndexOfAny(['"', '\'', '\\', '`']) < 0)
            {
                return new Assignment(i, prefix, value[0], KernelParameters.Split(value[1..^1]));
            }

            if (value.IndexOfAny(['"', '\'', '\\', '`', ' ', '\t', '#', ';']) < 0)
            {
                return new Assignment(i, prefix, null, KernelParameters.Split(value));
            }

            throw new BootSetupException($"{variable} in /etc/default/grub (line {i + 1}) is not one plain quoted value: " +
                                         $"{Host.PrintableText.Of(value, 120)}. Passthru edits only a plain value; change this line by hand.");
        }

        return null;
    }
}
