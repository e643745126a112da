using Passthru.Core.Boot.CommandLine;

namespace Passthru.Core.Tests.Boot;

public sealed class ToolRunnerTests
{
    [Fact]
    public async Task Run_KeepsOutputAndExitCode()
    {
        var run = await new ToolRunner(TimeSpan.FromMinutes(1)).RunAsync(new ToolCommand(["sh", "-c", "echo to-out; echo to-err >&2; exit 3"]));

        Assert.Equal(3, run.ExitCode);
        Assert.False(run.Succeeded);
        Assert.Contains("to-out", run.Output, StringComparison.Ordinal);
        Assert.Contains("to-err", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PastItsLimit_IsStoppedAndSaysSo()
    {
        // The limit is far below the command's own length, so the outcome does not depend on the machine's speed.
        var run = await new ToolRunner(TimeSpan.FromMilliseconds(300)).RunAsync(new ToolCommand(["sleep", "600"]));

        Assert.True(run.TimedOut);
        Assert.False(run.Succeeded);
    }

    [Fact]
    public async Task Run_MissingTool_SaysItCouldNotStart()
    {
        var run = await new ToolRunner(TimeSpan.FromMinutes(1)).RunAsync(new ToolCommand(["/nonexistent/update-grub"]));

        Assert.Null(run.ExitCode);
        Assert.Contains("could not be started", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Display_QuotesWordsAShellWouldSplit()
        => Assert.Equal("grubby --update-kernel=ALL '--args=intel_iommu=on iommu=pt'",
            new ToolCommand(["grubby", "--update-kernel=ALL", "--args=intel_iommu=on iommu=pt"]).Display);
}
