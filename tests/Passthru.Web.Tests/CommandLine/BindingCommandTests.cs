using Dapper;
using Passthru.Core.History;
using Passthru.TestSupport;
using Passthru.Web.CommandLine;

namespace Passthru.Web.Tests.CommandLine;

/// <summary>The command line's detach takes <c>--expect</c> and <c>--plan</c> as strictly as the API: a malformed one is a usage error, and nothing is journaled.</summary>
public sealed class BindingCommandTests : IDisposable
{
    private readonly string _database = Scratch.NewPath("passthru-cli-binding") + ".db";

    [Theory]
    [InlineData("--expect", "8086:293e\n2026-12-03 INFO forged", "--expect: ")]
    [InlineData("--expect", "8086", "--expect: ")]
    [InlineData("--plan", "stale", "--plan: ")]
    public async Task Detach_MalformedExpectOrPlan_IsAUsageErrorAndJournalsNothing(string option, string value, string said)
    {
        var result = await Cli.OnTreeAsync(CapturedTrees.Path("intel-initial"), "detach", "0000:00:1b.0", option, value, "--dry-run", "--Passthru:Database", _database);

        Assert.Equal(HostCommands.Error, result.ExitCode);
        Assert.Contains(said, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("\n2026", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_database) && await new HistoryDatabase(_database).RunAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM operations")) > 0);
    }

    [Fact]
    public async Task Detach_ExpectOfTheCardThere_IsADryRun()
    {
        var result = await Cli.OnTreeAsync(CapturedTrees.Path("intel-initial"), "detach", "0000:00:1b.0", "--expect", "8086:293E", "--dry-run", "--Passthru:Database", _database);

        Assert.Equal(HostCommands.Succeeded, result.ExitCode);
        Assert.True(result.Json.GetProperty("dryRun").GetBoolean());
    }

    public void Dispose() => Scratch.DeleteDatabase(_database);
}
