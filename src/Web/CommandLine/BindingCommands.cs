using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Passthru.Core.Binding;
using Passthru.Core.Changes;
using Passthru.Core.History;
using Passthru.Core.Host;
using Passthru.Core.Pci;
using Passthru.Web.Api;
using Passthru.Web.Configuration;
using Passthru.Web.Hosting;

namespace Passthru.Web.CommandLine;

/// <summary>
/// <c>detach</c>, <c>reattach</c> and <c>history</c>: the same safety rules and the same journal as the
/// dashboard (a start recovers cut-off operations first). Prints JSON; the exit code says how it ended.
/// </summary>
internal static class BindingCommands
{
    public static readonly string[] Switches = ["dry-run", "force"];
    public static readonly string[] Valued = ["group", "expect", "plan"];

    public static async Task<int> RunAsync(string command, CommandArguments arguments, CommandSettings settings, TextWriter output)
    {
        await using var services = Services(settings.Configuration);
        _ = services.GetRequiredService<IOptions<PassthruOptions>>().Value;
        await services.GetRequiredService<OperationRecovery>().RecoverAsync();
        var binding = services.GetRequiredService<BindingService>();
        if (command == "history")
        {
            var records = await services.GetRequiredService<OperationJournal>().ListAsync();
            await output.WriteLineAsync(JsonSerializer.Serialize(records.Select(r => r.ToResponse()), HostCommands.Json));
            return HostCommands.Succeeded;
        }

        var request = Request(command == "detach" ? OperationAction.Detach : OperationAction.Reattach, arguments);
        var result = await binding.RunAsync(request);
        await output.WriteLineAsync(JsonSerializer.Serialize(result.ToResponse(), HostCommands.Json));
        return result.Status switch
        {
            null or OperationStatus.Succeeded => HostCommands.Succeeded,
            OperationStatus.Refused => HostCommands.Refused,
            _ => HostCommands.Failed,
        };
    }

    private static BindingRequest Request(OperationAction action, CommandArguments arguments)
    {
        PciAddress? device = null;
        int? group = null;
        if (arguments.Value("group") is { } groupText)
        {
            group = int.TryParse(groupText, NumberStyles.None, CultureInfo.InvariantCulture, out var g) ? g : throw new UsageException($"--group needs a group number, not '{groupText}'.");
        }
        else if (arguments.Positional.Count == 1)
        {
            device = PciAddress.TryParse(arguments.Positional[0], out var parsed, out var error) ? parsed : throw new UsageException(error);
        }
        else
        {
            throw new UsageException($"usage: {action.ToString().ToLowerInvariant()} ADDRESS | --group N  [--dry-run] [--force] [--expect VVVV:DDDD] [--plan FINGERPRINT] [--host-root DIR]");
        }

        Dictionary<PciAddress, string>? expected = null;
        if (arguments.Value("expect") is { } expectText)
        {
            if (device is not { } d)
            {
                throw new UsageException("--expect names what was seen at one address: give an ADDRESS, not --group.");
            }

            expected = PciIdPair.TryParse(expectText, out var ids, out var idsError) ? new() { [d] = ids } : throw new UsageException($"--expect: {idsError}");
        }

        var plan = arguments.Value("plan");
        if (plan is not null && !PlanFingerprint.IsWellFormed(plan))
        {
            throw new UsageException($"--plan: '{PrintableText.Of(plan, 32)}' is not a plan's fingerprint; give the {PlanFingerprint.Length} hex digits a --dry-run printed as \"fingerprint\".");
        }

        return new BindingRequest(action, device, group, new Actor($"{Environment.UserName} (command line)", null),
            DryRun: arguments.Has("dry-run"), Force: arguments.Has("force"), ExpectedIds: expected, SeenPlan: plan);
    }

    internal static ServiceProvider Services(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddLogging(logging => logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning));
        services.AddOptions<PassthruOptions>().Bind(configuration.GetSection(PassthruOptions.SectionName));
        services.AddSingleton<IValidateOptions<PassthruOptions>, PassthruOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddHostServices();
        return services.BuildServiceProvider();
    }
}
