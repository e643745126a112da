using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Passthru.Core.Boot;
using Passthru.Core.Changes;
using Passthru.Core.History;
using Passthru.Core.Host;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;
using Passthru.Web.Api;
using Passthru.Web.Configuration;
using Passthru.Web.Hosting;

namespace Passthru.Web.CommandLine;

/// <summary>
/// <c>boot list | claim | release</c>: claims at boot from a shell, with the dashboard's dry run, refusals and journal.
/// <c>boot list</c> also writes this boot's findings to the history if no start has yet.
/// </summary>
internal static class BootCommands
{
    public static readonly string[] Switches = ["dry-run", "force", "json"];
    public static readonly string[] Valued = ["group", "plan"];

    public const string Usage = "boot list [--json] | boot claim ADDRESS | --group N [--dry-run] [--force] [--plan FINGERPRINT] | boot release ADDRESS [--dry-run] [--plan FINGERPRINT]";

    public static async Task<int> RunAsync(CommandArguments arguments, CommandSettings settings, TextWriter output)
    {
        var verb = arguments.Positional.Count > 0 ? arguments.Positional[0] : throw new UsageException($"usage: {Usage}");
        await using var services = BindingCommands.Services(settings.Configuration);
        _ = services.GetRequiredService<IOptions<PassthruOptions>>().Value;
        var claims = services.GetRequiredService<BootClaimService>();
        try
        {
            return verb switch
            {
                "list" => await ListAsync(arguments, services, claims, output),
                "claim" or "release" => await ChangeAsync(verb, arguments, claims, output),
                _ => throw new UsageException($"boot has no '{PrintableText.Of(verb, 32)}': usage: {Usage}"),
            };
        }
        catch (ClaimManifestException ex)
        {
            throw new UsageException(ex.Message);
        }
    }

    private static async Task<int> ListAsync(CommandArguments arguments, ServiceProvider services, BootClaimService claims, TextWriter output)
    {
        if (arguments.Positional.Count > 1)
        {
            throw new UsageException($"boot list takes no argument '{arguments.Positional[1]}'.");
        }

        var statuses = claims.Inspect(services.GetRequiredService<HostScanner>().Scan());
        await services.GetRequiredService<BootCheckRecorder>().RecordOnceAsync(statuses);
        if (arguments.Has("json"))
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(statuses.Select(ClaimStatusResponse.Of), HostCommands.Json));
        }
        else if (statuses.Count == 0)
        {
            await output.WriteLineAsync($"No device is claimed at boot (claims are kept in {Path.Combine(claims.Files.Root.Path, ClaimManifest.Path)}).");
        }
        else
        {
            foreach (var status in statuses)
            {
                await output.WriteLineAsync($"{status.Address}  {status.State,-13}  {status.Message}");
                if (status.Fix is { } fix)
                {
                    await output.WriteLineAsync($"              fix: {fix}");
                }
            }
        }

        return statuses.All(s => s.IsAsIntended) ? HostCommands.Succeeded : CheckCommand.SomeCheckFailed;
    }

    private static async Task<int> ChangeAsync(string verb, CommandArguments arguments, BootClaimService claims, TextWriter output)
    {
        var request = Request(verb, arguments);
        var result = await claims.RunAsync(request);
        await output.WriteLineAsync(JsonSerializer.Serialize(ClaimResultResponse.Of(result), HostCommands.Json));
        return result.Status switch
        {
            null or OperationStatus.Succeeded => HostCommands.Succeeded,
            OperationStatus.Refused => HostCommands.Refused,
            _ => HostCommands.Failed,
        };
    }

    private static BootClaimRequest Request(string verb, CommandArguments arguments)
    {
        var action = verb == "claim" ? OperationAction.ClaimAtBoot : OperationAction.ReleaseAtBoot;
        PciAddress? device = null;
        int? group = null;
        if (verb == "claim" && arguments.Value("group") is { } groupText)
        {
            group = int.TryParse(groupText, NumberStyles.None, CultureInfo.InvariantCulture, out var g) ? g : throw new UsageException($"--group needs a group number, not '{PrintableText.Of(groupText, 32)}'.");
            if (arguments.Positional.Count > 1)
            {
                throw new UsageException("Give an ADDRESS or --group N, not both.");
            }
        }
        else if (arguments.Positional.Count == 2)
        {
            device = PciAddress.TryParse(arguments.Positional[1], out var parsed, out var error) ? parsed : throw new UsageException(error);
        }
        else
        {
            throw new UsageException($"usage: {Usage}");
        }

        if (verb == "release" && (arguments.Value("group") is not null || arguments.Has("force")))
        {
            throw new UsageException("boot release takes one ADDRESS, and nothing to force.");
        }

        var plan = arguments.Value("plan");
        if (plan is not null && !PlanFingerprint.IsWellFormed(plan))
        {
            throw new UsageException($"--plan: '{PrintableText.Of(plan, 32)}' is not a plan's fingerprint; give the {PlanFingerprint.Length} hex digits a --dry-run printed as \"fingerprint\".");
        }

        return new BootClaimRequest(action, device, group, new Actor($"{Environment.UserName} (command line)", null),
            DryRun: arguments.Has("dry-run"), Force: arguments.Has("force"), SeenPlan: plan);
    }
}
