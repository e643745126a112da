using Passthru.Core.Checks;
using Passthru.TestSupport;
using Passthru.Web.CommandLine;

namespace Passthru.Web.Tests.CommandLine;

/// <summary><c>check</c> on the trees captured from a real kernel, against the Host page's checks (HostChecks) on the same tree.</summary>
public sealed class CheckCommandTests
{
    public static TheoryDataRows Trees => CapturedTrees.All;

    [Theory]
    [MemberData(nameof(Trees))]
    public async Task CheckJson_CapturedTree_IsTheHostChecksWithTheirFixes(string name)
    {
        var tree = CapturedTrees.Path(name);
        // The scan's checks, then the claims at boot (none in a captured tree).
        Passthru.Core.Checks.HostCheck[] expected = [.. TreeScan.Scan(tree).Checks, Passthru.Core.Boot.BootClaimCheck.Of([])];

        var result = await Cli.OnTreeAsync(tree, "check", "--json");

        Assert.Equal(expected.Any(c => c.Status == CheckStatus.Fail) ? CheckCommand.SomeCheckFailed : 0, result.ExitCode);
        Assert.Equal(HostChecks.Readiness(expected), result.Json.GetProperty("verdict").GetString());
        Assert.Equal(
            expected.Select(c => (c.Id, c.Status.ToString(), c.Reason, c.Fix)),
            result.Json.GetProperty("checks").EnumerateArray().Select(c => (
                c.GetProperty("id").GetString()!, c.GetProperty("status").GetString()!, c.GetProperty("reason").GetString()!, c.GetProperty("fix").GetString())));
    }

    [Fact]
    public async Task CheckText_CapturedTree_PrintsEveryCheckAndTheVerdict()
    {
        var tree = CapturedTrees.Path("intel-initial");
        var expected = TreeScan.Scan(tree).Checks;

        var result = await Cli.OnTreeAsync(tree, "check");

        foreach (var check in expected)
        {
            Assert.Contains($"{check.Status.ToString().ToUpperInvariant(),-4}  {check.Title}: {check.Reason}", result.Lines);
        }

        Assert.Equal($"Verdict: {HostChecks.Readiness(expected)}", result.Lines[^1]);
    }

    [Fact]
    public async Task Check_IommuSwitchedOffOnTheCommandLine_FailsWithTheFixAndExitCode1()
    {
        // SYNTHETIC: the lab's own VT-d tree, with the command line of a host booted with intel_iommu=off.
        var tree = CapturedTrees.Copy("intel-initial");
        try
        {
            var cmdline = Path.Combine(tree, "proc/cmdline");
            File.WriteAllText(cmdline, File.ReadAllText(cmdline).Replace("intel_iommu=on", "intel_iommu=off", StringComparison.Ordinal));
            var expected = TreeScan.Scan(tree).Checks.Single(c => c.Id == "iommu-flag");

            var text = await Cli.OnTreeAsync(tree, "check");
            var json = await Cli.OnTreeAsync(tree, "check", "--json");

            Assert.Equal(CheckStatus.Fail, expected.Status);
            Assert.Equal(CheckCommand.SomeCheckFailed, text.ExitCode);
            Assert.Equal(CheckCommand.SomeCheckFailed, json.ExitCode);
            var failed = Array.IndexOf(text.Lines, $"FAIL  {expected.Title}: {expected.Reason}");
            Assert.True(failed >= 0, text.Output);
            Assert.Equal($"      fix: {expected.Fix}", text.Lines[failed + 1]);
            Assert.Equal("Not ready", json.Json.GetProperty("verdict").GetString());
        }
        finally
        {
            Directory.Delete(tree, recursive: true);
        }
    }
}
