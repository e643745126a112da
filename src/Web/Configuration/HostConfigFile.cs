using Microsoft.Extensions.Configuration.Json;

namespace Passthru.Web.Configuration;

/// <summary>
/// The host's own settings file, named by the <c>PASSTHRU_CONFIG</c> environment variable: the installed
/// service sets it to /etc/passthru/appsettings.json (deploy/install.sh), where settings survive upgrades
/// that replace appsettings.json beside the executable. It overrides appsettings.json and is overridden
/// by environment variables and the command line, as appsettings.{Environment}.json is.
/// </summary>
public static class HostConfigFile
{
    public const string Variable = "PASSTHRU_CONFIG";

    /// <summary>Adds <paramref name="path"/> (when given) right after the last JSON file source, so the sources after those still win.</summary>
    /// <exception cref="StartupRefusedException">The file is missing or is not valid JSON.</exception>
    public static void Add(IConfigurationBuilder configuration, string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        var source = new JsonConfigurationSource { Path = Path.GetFullPath(path), Optional = false };
        source.ResolveFileProvider();
        try
        {
            // Read once now, so a missing or broken file is refused with its name whichever builder this is.
            source.Build(configuration).Load();
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException)
        {
            throw new StartupRefusedException($"The settings file {path} ({Variable}) cannot be read: {ex.Message}");
        }

        var lastJson = configuration.Sources.Select((s, i) => s is JsonConfigurationSource ? i : -1).DefaultIfEmpty(-1).Max();
        configuration.Sources.Insert(lastJson + 1, source);
    }
}
