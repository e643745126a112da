namespace Passthru.Core.Checks;

/// <summary>The distribution from <c>/etc/os-release</c> (KEY=value lines, values optionally quoted).</summary>
public sealed record OsRelease(string Id, IReadOnlyList<string> IdLike, string PrettyName)
{
    public static readonly OsRelease Unknown = new("", [], "an unknown distribution");

    public static OsRelease Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (line.Length == 0 || line[0] == '#' || eq <= 0)
            {
                continue;
            }

            values[line[..eq]] = line[(eq + 1)..].Trim().Trim('"', '\'');
        }

        var id = values.GetValueOrDefault("ID", "").ToLowerInvariant();
        var idLike = values.GetValueOrDefault("ID_LIKE", "").ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new OsRelease(id, idLike, values.GetValueOrDefault("PRETTY_NAME") ?? values.GetValueOrDefault("NAME") ?? id);
    }

    public bool Is(params string[] ids) => ids.Contains(Id) || IdLike.Any(ids.Contains);
}
