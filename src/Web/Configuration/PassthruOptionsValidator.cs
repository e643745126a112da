using Microsoft.Extensions.Options;

namespace Passthru.Web.Configuration;

/// <summary>Refuses to start on a configuration that cannot work, with a message that says which setting is wrong.</summary>
public sealed class PassthruOptionsValidator : IValidateOptions<PassthruOptions>
{
    public ValidateOptionsResult Validate(string? name, PassthruOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.HostRoot) || !Directory.Exists(options.HostRoot))
        {
            failures.Add($"Passthru:HostRoot '{options.HostRoot}' is not an existing directory (use --host-root DIR or the setting).");
        }

        if (string.IsNullOrWhiteSpace(options.Database))
        {
            failures.Add("Passthru:Database must name a SQLite file.");
        }

        if (!string.IsNullOrWhiteSpace(options.PciIdsPath) && !File.Exists(options.PciIdsPath))
        {
            failures.Add($"Passthru:PciIdsPath '{options.PciIdsPath}' does not exist (leave it unset to search the usual places).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
