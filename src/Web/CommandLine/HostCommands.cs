using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Passthru.Core.Binding;
using Passthru.Core.History;
using Passthru.Core.Pci;
using Passthru.Web.Api;
using Passthru.Web.Configuration;
using Passthru.Web.Model;

namespace Passthru.Web.CommandLine;

/// <summary>
/// The same executable, for scripts: <c>detach</c>, <c>reattach</c> and <c>history</c>, with the same
/// safety rules and the same journal as the dashboard (a start recovers cut-off operations first).
/// Prints JSON; the exit code says how it ended.
/// </summary>
public static class HostCommands
{
    public const int Succeeded = 0;
    public const int Refused = 1;
    public const int Failed = 3;
    public const int Error = 4;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static bool Handles(string[] args) => args.Length > 0 && args[0] is "detach" or "reattach" or "history";

    public static async Task<int> RunAsync(string[] args)
    {
        var (positional, flags, settings) = Split(args.Skip(1));
        await using var services = Services(settings);
        try
        {
            _ = services.GetRequiredService<IOptions<PassthruOptions>>().Value;
            var binding = services.GetRequiredService<BindingService>();
            await binding.RecoverAsync();
            if (args[0] == "history")
            {
                var records = await services.GetRequiredService<OperationJournal>().ListAsync();
                Console.WriteLine(JsonSerializer.Serialize(records.Select(r => r.ToResponse()), Json));
                return Succeeded;
            }

            var request = Request(args[0] == "detach" ? OperationAction.Detach : OperationAction.Reattach, positional, flags);
            var result = await binding.RunAsync(request);
            Console.WriteLine(JsonSerializer.Serialize(result.ToResponse(), Json));
            return result.Status switch
            {
                null or OperationStatus.Succeeded => Succeeded,
                OperationStatus.Refused => Refused,
                _ => Failed,
            };
        }
        catch (Exception ex) when (ex is UsageException or UnknownTargetException or HistoryUnavailableException or OptionsValidationException)
        {
            Console.Error.WriteLine(ex is OptionsValidationException validation ? string.Join(" ", validation.Failures) : ex.Message);
            return Error;
        }
    }

    private static BindingRequest Request(OperationAction action, List<string> positional, Dictionary<string, string?> flags)
    {
        PciAddress? device = null;
        int? group = null;
        if (flags.TryGetValue("group", out var groupText))
        {
            group = int.TryParse(groupText, NumberStyles.None, CultureInfo.InvariantCulture, out var g) ? g : throw new UsageException($"--group needs a group number, not '{groupText}'.");
        }
        else if (positional.Count == 1)
        {
            device = PciAddress.TryParse(positional[0], out var parsed, out var error) ? parsed : throw new UsageException(error);
        }
        else
        {
            throw new UsageException($"usage: {action.ToString().ToLowerInvariant()} ADDRESS | --group N  [--dry-run] [--force] [--expect VVVV:DDDD] [--host-root DIR]");
        }

        var expected = device is { } d && flags.GetValueOrDefault("expect") is { } ids ? new Dictionary<PciAddress, string> { [d] = ids } : null;
        return new BindingRequest(action, device, group, new Actor($"{Environment.UserName} (command line)", null),
            DryRun: flags.ContainsKey("dry-run"), Force: flags.ContainsKey("force"), ExpectedIds: expected);
    }

    /// <summary>Separates the command's own flags from configuration settings (<c>--host-root</c>, <c>--Passthru:Database</c>, ...).</summary>
    private static (List<string> Positional, Dictionary<string, string?> Flags, List<string> Settings) Split(IEnumerable<string> args)
    {
        var positional = new List<string>();
        var flags = new Dictionary<string, string?>(StringComparer.Ordinal);
        var settings = new List<string>();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var arg = e.Current;
            switch (arg)
            {
                case "--dry-run" or "--force":
                    flags[arg[2..]] = null;
                    break;
                case "--group" or "--expect":
                    flags[arg[2..]] = e.MoveNext() ? e.Current : throw new UsageException($"{arg} needs a value.");
                    break;
                case var setting when setting.StartsWith("--", StringComparison.Ordinal):
                    settings.Add(setting);
                    settings.Add(e.MoveNext() ? e.Current : throw new UsageException($"{setting} needs a value."));
                    break;
                default:
                    positional.Add(arg);
                    break;
            }
        }

        return (positional, flags, settings);
    }

    private static ServiceProvider Services(List<string> settings)
    {
        var builder = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true);
        HostConfigFile.Add(builder, Environment.GetEnvironmentVariable(HostConfigFile.Variable));
        var configuration = builder
            .AddEnvironmentVariables()
            .AddCommandLine([.. settings], new Dictionary<string, string> { ["--host-root"] = "Passthru:HostRoot" })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning));
        services.AddOptions<PassthruOptions>().Bind(configuration.GetSection(PassthruOptions.SectionName));
        services.AddSingleton<IValidateOptions<PassthruOptions>, PassthruOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddHostServices();
        if (LabPause.FromEnvironment() is { } pause)
        {
            services.AddSingleton<IBindingProgress>(pause);
        }

        return services.BuildServiceProvider();
    }

    private sealed class UsageException(string message) : Exception(message);
}
