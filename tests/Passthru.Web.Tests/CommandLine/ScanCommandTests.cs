using Passthru.Core.Advice;
using Passthru.Core.Iommu;
using Passthru.TestSupport;
using Passthru.Web.CommandLine;

namespace Passthru.Web.Tests.CommandLine;

/// <summary><c>scan</c> on the trees captured from a real kernel, against what the Core scanner (and lspci) say about the same tree.</summary>
public sealed class ScanCommandTests
{
    public static TheoryDataRows Trees => CapturedTrees.All;

    [Theory]
    [MemberData(nameof(Trees))]
    public async Task ScanJson_CapturedTree_HasTheScannersGroupsDevicesAndVerdicts(string name)
    {
        var tree = CapturedTrees.Path(name);
        var expected = TreeScan.Scan(tree);

        var result = await Cli.OnTreeAsync(tree, "scan", "--json");

        Assert.Equal(0, result.ExitCode);
        var groups = result.Json.GetProperty("groups").EnumerateArray().ToArray();
        Assert.Equal(expected.Groups.Select(g => g.Number), groups.Select(g => g.GetProperty("number").GetInt32()));
        Assert.Equal(expected.Groups.Select(g => (g.IsViable, string.Join(" ", g.Members))),
            groups.Select(g => (g.GetProperty("viable").GetBoolean(), string.Join(" ", g.GetProperty("members").EnumerateArray().Select(m => m.GetString())))));
        var devices = result.Json.GetProperty("devices").EnumerateArray().ToArray();
        Assert.Equal(
            expected.Devices.Select(d => (d.Address.ToString(), d.Driver, d.IommuGroup, PassthroughAdvisor.Assess(expected, d).Verdict.ToString())),
            devices.Select(d => (
                d.GetProperty("device").GetProperty("address").GetString()!,
                d.GetProperty("device").GetProperty("driver").GetString(),
                d.GetProperty("device").GetProperty("iommuGroup").ValueKind == System.Text.Json.JsonValueKind.Null ? null : (int?)d.GetProperty("device").GetProperty("iommuGroup").GetInt32(),
                d.GetProperty("passthrough").GetProperty("verdict").GetString()!)));
    }

    [Fact]
    public async Task ScanJson_SharedSoundCard_ExplainsWhatBlocksIt()
    {
        var result = await Cli.OnTreeAsync(CapturedTrees.Path("intel-initial"), "scan", "--json");

        var sound = result.Json.GetProperty("devices").EnumerateArray().Single(d => d.GetProperty("device").GetProperty("address").GetString() == "0000:04:00.6");
        var passthrough = sound.GetProperty("passthrough");
        Assert.Equal("BlockedByGroup", passthrough.GetProperty("verdict").GetString());
        Assert.Equal(["0000:04:00.0", "0000:04:00.1"], passthrough.GetProperty("blockers").EnumerateArray().Select(b => b.GetString()!));
    }

    [Theory]
    [MemberData(nameof(Trees))]
    public async Task ScanTable_CapturedTree_IsOneLspciLinePerDeviceWithGroupDriverAndVerdict(string name)
    {
        var tree = CapturedTrees.Path(name);
        var expected = TreeScan.Scan(tree);
        // The oracle: lspci -nn reading the same tree (its names from the same pci.ids), one line per device in address order.
        var lspci = (await ProcessRunner.RunAsync(LspciOracle.Executable,
            ["-A", "linux-sysfs", "-O", $"sysfs.path={tree}/sys/bus/pci", "-O", "hwdb.disable=1", "-nn"])).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var lspciBySlot = lspci.ToDictionary(l => l[..l.IndexOf(' ', StringComparison.Ordinal)]);

        var result = await Cli.OnTreeAsync(tree, "scan");

        Assert.Equal(0, result.ExitCode);
        var deviceLines = result.Lines.Where(l => !l.Contains(": shared: ", StringComparison.Ordinal)).SkipLast(1).ToArray();
        var expectedLines = expected.Groups.SelectMany(g => expected.MembersOf(g))
            .Concat(expected.Devices.Where(d => d.IommuGroup is null))
            .Select(d => (d.IommuGroup is { } g ? $"IOMMU Group {g}: " : "No IOMMU group: ")
                + lspciBySlot[$"{d.Address.Bus:x2}:{d.Address.Device:x2}.{d.Address.Function:x1}"]
                + $"  driver: {d.Driver ?? "none"}{(d.DriverOverride is { } o && o != d.Driver ? $" (override {o})" : "")}"
                + $"  [{ScanTable.Describe(PassthroughAdvisor.Assess(expected, d).Verdict)}]");
        Assert.Equal(expectedLines, deviceLines);
        Assert.Equal(expected.Groups.Sum(g => g.SharedBecause.Count), result.Lines.Count(l => l.Contains(": shared: ", StringComparison.Ordinal)));
        Assert.StartsWith($"{expected.Groups.Count} IOMMU groups, {expected.Devices.Count} devices: ", result.Lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_HostRootThatIsNotThere_IsExitCode4WithTheSetting()
    {
        var result = await Cli.RunAsync("scan", "--host-root", "/nonexistent/passthru-tree");

        Assert.Equal(HostCommands.Error, result.ExitCode);
        Assert.Contains("Passthru:HostRoot '/nonexistent/passthru-tree' is not an existing directory", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    [Theory]
    [InlineData("scan", "--jsn")]
    [InlineData("scan", "extra")]
    [InlineData("check", "--force")]
    [InlineData("capture")]
    public async Task Command_UnknownOptionOrWord_IsExitCode4(params string[] args)
    {
        var result = await Cli.OnTreeAsync(CapturedTrees.Path("intel-initial"), args);

        Assert.Equal(HostCommands.Error, result.ExitCode);
        Assert.NotEmpty(result.Error);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("help")]
    [InlineData("scan", "--help")]
    public async Task Help_ListsEveryCommandWithOneLine(params string[] args)
    {
        Assert.True(HostCommands.Handles(args));

        var result = await Cli.RunAsync(args);

        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "scan", "check", "capture", "detach", "reattach", "history" })
        {
            Assert.Single(result.Lines, l => l.StartsWith($"  {command} ", StringComparison.Ordinal));
        }
    }
}
