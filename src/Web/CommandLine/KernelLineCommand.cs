using System.Text.Json;
using Microsoft.Extensions.Options;
using Passthru.Core.Boot.CommandLine;
using Passthru.Core.Changes;
using Passthru.Core.History;
using Passthru.Core.Host;
using Passthru.Web.Api;
using Passthru.Web.Configuration;

namespace Passthru.Web.CommandLine;

/// <summary>
/// <c>cmdline</c>: without <c>--add</c> or <c>--remove</c>, the boot setup, the configured and running
/// lines and whether a reboot is pending; with them, the same Apply as the Host page (JSON either way).
/// </summary>
internal static class KernelLineCommand
{
    public static readonly string[] Switches = ["dry-run"];
    public static readonly string[] Valued = ["add", "remove", "plan"];

    public static async Task<int> RunAsync(CommandArguments arguments, CommandSettings settings, TextWriter output)
    {
        HostCommands.NoPositional("cmdline", arguments);
        await using var services = BindingCommands.Services(settings.Configuration);
        _ = services.GetRequiredService<IOptions<PassthruOptions>>().Value;
        var applier = services.GetRequiredService<CommandLineApplier>();
        var add = Words(arguments.Value("add"));
        var remove = Words(arguments.Value("remove"));
        if (add.Length == 0 && remove.Length == 0)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(applier.Status().ToResponse(), HostCommands.Json));
            return HostCommands.Succeeded;
        }

        if (!ParameterChange.TryCreate(add, remove, out var change, out var error))
        {
            throw new UsageException(error);
        }

        var plan = arguments.Value("plan");
        if (plan is not null && !PlanFingerprint.IsWellFormed(plan))
        {
            throw new UsageException($"--plan: '{PrintableText.Of(plan, 32)}' is not a plan's fingerprint; give the {PlanFingerprint.Length} hex digits a --dry-run printed as \"fingerprint\".");
        }

        await services.GetRequiredService<OperationRecovery>().RecoverAsync();
        var result = arguments.Has("dry-run")
            ? await applier.DryRunAsync(change)
            : await applier.ApplyAsync(change, new Actor($"{Environment.UserName} (command line)", null), plan);
        await output.WriteLineAsync(JsonSerializer.Serialize(result.ToResponse(), HostCommands.Json));
        return result.Status switch
        {
            null => result.Plan.Refusal is null ? HostCommands.Succeeded : HostCommands.Refused,
            OperationStatus.Succeeded => HostCommands.Succeeded,
            OperationStatus.Refused => HostCommands.Refused,
            _ => HostCommands.Failed,
        };
    }

    /// <summary><c>--add intel_iommu=on,iommu=pt</c>: the allowed parameters hold no comma.</summary>
    private static string[] Words(string? value) => value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
