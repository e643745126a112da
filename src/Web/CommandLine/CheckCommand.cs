using System.Text.Json;
using Passthru.Core.Boot;
using Passthru.Core.Checks;
using Passthru.Core.Host;
using Passthru.Core.Scanning;
using Passthru.Web.Api;

namespace Passthru.Web.CommandLine;

/// <summary>
/// <c>check [--json]</c>: the Host page's readiness checks, each pass / warn / fail with its reason and the
/// exact fix for this host. Exit code 1 when any check fails, so a provisioning script can stop there.
/// </summary>
internal static class CheckCommand
{
    public const int SomeCheckFailed = 1;

    public static readonly string[] Switches = ["json"];

    public static int Run(CommandArguments arguments, CommandSettings settings, TextWriter output, TextWriter error)
    {
        HostCommands.NoPositional("check", arguments);
        var host = settings.Scanner(error).Scan();
        var claims = ClaimsCheck(settings, host);
        var report = CheckReport.From(host, claims);
        if (arguments.Has("json"))
        {
            output.WriteLine(JsonSerializer.Serialize(report, HostCommands.Json));
        }
        else
        {
            Write(report, output);
        }

        return report.Checks.Any(c => c.Status == CheckStatus.Fail) ? SomeCheckFailed : HostCommands.Succeeded;
    }

    /// <summary>The claims at boot as a check, read from the configuration root the service writes them under.</summary>
    private static HostCheck ClaimsCheck(CommandSettings settings, HostSnapshot host)
    {
        try
        {
            return BootClaimCheck.Of(ClaimInspector.Inspect(new ConfigFiles(new HostRoot(settings.Options.BootConfigRoot)), host, BootTime.Read(settings.HostRoot())));
        }
        catch (ClaimManifestException ex)
        {
            return BootClaimCheck.Damaged(ex);
        }
    }

    private static void Write(CheckReport report, TextWriter output)
    {
        var cpu = report.CpuVendor switch
        {
            nameof(CpuVendor.Intel) => "Intel CPU",
            nameof(CpuVendor.Amd) => "AMD CPU",
            _ => "CPU of unknown vendor",
        };
        output.WriteLine($"Host: {report.Distribution}, {cpu}, IOMMU units: {(report.IommuUnits.Count == 0 ? "none" : string.Join(", ", report.IommuUnits))}");
        output.WriteLine($"Kernel command line: {report.KernelCommandLine}");
        foreach (var check in report.Checks)
        {
            output.WriteLine($"{check.Status.ToString().ToUpperInvariant(),-4}  {check.Title}: {check.Reason}");
            if (check.Status != CheckStatus.Pass && check.Fix is { } fix)
            {
                output.WriteLine($"      fix: {fix}");
            }
        }

        output.WriteLine($"Verdict: {report.Verdict}");
    }
}

/// <summary><c>check --json</c>: the verdict, the host facts the checks rest on, and each check (as in <c>GET /api/host</c>).</summary>
public sealed record CheckReport(
    string Verdict, string CpuVendor, string Distribution, string KernelCommandLine, IReadOnlyList<string> IommuUnits, int IommuGroupCount,
    IReadOnlyList<CheckResponse> Checks)
{
    public static CheckReport From(HostSnapshot host, params HostCheck[] more)
    {
        HostCheck[] checks = [.. host.Checks, .. more];
        return new(HostChecks.Readiness(checks), host.Facts.CpuVendor.ToString(), host.Facts.Os.PrettyName, host.CommandLine.Text,
            host.Facts.IommuUnits, host.Groups.Count,
            checks.Select(c => new CheckResponse(c.Id, c.Title, c.Status, c.Reason, c.Fix)).ToArray());
    }
}
