namespace Passthru.Web.CommandLine;

/// <summary>
/// The words after a command: positional arguments, the command's own options, and configuration
/// settings, which go to the configuration as for the dashboard: <c>--host-root DIR</c> and any
/// <c>--Section:Key VALUE</c> (<c>--Passthru:Database FILE</c>), also as <c>--name=value</c>.
/// </summary>
internal sealed class CommandArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    private CommandArguments()
    {
    }

    public List<string> Positional { get; } = [];

    public List<string> Settings { get; } = [];

    public bool Has(string option) => _options.ContainsKey(option);

    public string? Value(string option) => _options.GetValueOrDefault(option);

    /// <param name="switches">Options without a value, named without the dashes (<c>json</c>).</param>
    /// <param name="valued">Options that take the next word as their value (<c>group</c>).</param>
    /// <exception cref="UsageException">An option the command does not know, or one without its value.</exception>
    public static CommandArguments Parse(IEnumerable<string> args, IReadOnlyCollection<string> switches, IReadOnlyCollection<string> valued)
    {
        var parsed = new CommandArguments();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var arg = e.Current;
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg == "--")
            {
                parsed.Positional.Add(arg);
                continue;
            }

            var name = arg[2..];
            if (switches.Contains(name))
            {
                parsed._options[name] = null;
            }
            else if (valued.Contains(name))
            {
                parsed._options[name] = e.MoveNext() ? e.Current : throw new UsageException($"{arg} needs a value.");
            }
            else if (IsSetting(name))
            {
                parsed.Settings.Add(arg);
                if (!name.Contains('=', StringComparison.Ordinal))
                {
                    parsed.Settings.Add(e.MoveNext() ? e.Current : throw new UsageException($"{arg} needs a value."));
                }
            }
            else
            {
                throw new UsageException($"Unknown option {arg} (see --help).");
            }
        }

        return parsed;
    }

    /// <summary>A configuration key (it has a section: <c>Passthru:Database</c>) or the host root's short form.</summary>
    private static bool IsSetting(string name)
    {
        var key = name.Split('=', 2)[0];
        return key == "host-root" || key.Contains(':', StringComparison.Ordinal);
    }
}
