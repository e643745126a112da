using Microsoft.Extensions.Options;

namespace Passthru.Web.Configuration;

/// <summary>Refuses to start on a configuration that cannot work, with a message that says which setting is wrong.</summary>
public sealed class PassthruOptionsValidator : IValidateOptions<PassthruOptions>
{
    // A few MiB hold years of operations; a TiB is more than any host needs.
    private const int MinHistoryMb = 4;
    private const int MaxHistoryMb = 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, PassthruOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.HostRoot) || !Directory.Exists(options.HostRoot))
        {
            failures.Add($"Passthru:HostRoot '{options.HostRoot}' is not an existing directory (use --host-root DIR or the setting).");
        }

        if (options.Boot.ConfigRoot is { } configRoot && (string.IsNullOrWhiteSpace(configRoot) || !Directory.Exists(configRoot)))
        {
            failures.Add($"Passthru:Boot:ConfigRoot '{configRoot}' is not an existing directory.");
        }

        if (string.IsNullOrWhiteSpace(options.Database))
        {
            failures.Add("Passthru:Database must name a SQLite file.");
        }

        if (!string.IsNullOrWhiteSpace(options.PciIdsPath) && !File.Exists(options.PciIdsPath))
        {
            failures.Add($"Passthru:PciIdsPath '{options.PciIdsPath}' does not exist (leave it unset to search the usual places).");
        }

        if (TrustedProxyList.Malformed(options.TrustedProxies) is { } malformed)
        {
            failures.Add(malformed);
        }

        if (options.InterruptSampleMs is < 100 or > 60_000)
        {
            failures.Add($"Passthru:InterruptSampleMs is {options.InterruptSampleMs}; use 100 to 60000 (milliseconds).");
        }

        if (options.DevicePollMs is < 100 or > 600_000)
        {
            failures.Add($"Passthru:DevicePollMs is {options.DevicePollMs}; use 100 to 600000 (milliseconds).");
        }

        if (options.InterruptHistorySeconds is < 0 or > 3600)
        {
            failures.Add($"Passthru:InterruptHistorySeconds is {options.InterruptHistorySeconds}; use 0 (off) to 3600.");
        }

        if (options.InterruptHistoryRetentionHours is < 1 or > 24 * 366)
        {
            failures.Add($"Passthru:InterruptHistoryRetentionHours is {options.InterruptHistoryRetentionHours}; use 1 to 8784.");
        }

        if (options.History is null || options.History.MaxSizeMb is < MinHistoryMb or > MaxHistoryMb)
        {
            failures.Add($"Passthru:History:MaxSizeMb is {options.History?.MaxSizeMb}; use {MinHistoryMb} to {MaxHistoryMb} (MiB).");
        }

        if (string.IsNullOrWhiteSpace(options.LibvirtUri) || !options.LibvirtUri.Contains("://", StringComparison.Ordinal))
        {
            failures.Add($"Passthru:LibvirtUri '{options.LibvirtUri}' is not a libvirt URI (e.g. qemu:///system).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

