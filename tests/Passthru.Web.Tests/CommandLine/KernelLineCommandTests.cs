using Passthru.TestSupport;
using Passthru.Web.CommandLine;

namespace Passthru.Web.Tests.CommandLine;

/// <summary><c>cmdline</c> on a SYNTHETIC Debian-like tree: the status, a dry run's plan, and parameters outside the allowed set refused as usage errors.</summary>
public sealed class KernelLineCommandTests : IDisposable
{
    private const string Grub = "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n";
    private readonly string _database = Scratch.NewPath("passthru-cli-cmdline") + ".db";
    private readonly SyntheticTree _tree = new SyntheticTree()
        .WithFile("proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/vda1 quiet\n")
        .WithFile("etc/default/grub", Grub)
        .WithFile("usr/sbin/update-grub", "");

    [Fact]
    public async Task NoChange_PrintsTheSetupAndNoRebootPending()
    {
        var result = await Cli.OnTreeAsync(_tree.Root, "cmdline", "--Passthru:Database", _database);

        Assert.Equal(HostCommands.Succeeded, result.ExitCode);
        Assert.Equal("GrubDefault", result.Json.GetProperty("setup").GetProperty("kind").GetString());
        Assert.False(result.Json.GetProperty("rebootPending").GetBoolean());
    }

    [Fact]
    public async Task DryRun_PrintsThePlanAndWritesNothing()
    {
        var result = await Cli.OnTreeAsync(_tree.Root, "cmdline", "--add", "intel_iommu=on,iommu=pt", "--dry-run", "--Passthru:Database", _database);

        Assert.Equal(HostCommands.Succeeded, result.ExitCode);
        Assert.Contains("+GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on iommu=pt\"",
            result.Json.GetProperty("plan").GetProperty("edits")[0].GetProperty("diff").GetString(), StringComparison.Ordinal);
        Assert.Equal(Grub, File.ReadAllText(Path.Combine(_tree.Root, "etc/default/grub")));
    }

    [Theory]
    [InlineData("--add", "init=/bin/sh")]
    [InlineData("--remove", "root")]
    public async Task NotAllowed_IsAUsageError(string option, string value)
    {
        var result = await Cli.OnTreeAsync(_tree.Root, "cmdline", option, value, "--Passthru:Database", _database);

        Assert.Equal(HostCommands.Error, result.ExitCode);
        Assert.Contains("only", result.Error, StringComparison.Ordinal);
        Assert.Equal(Grub, File.ReadAllText(Path.Combine(_tree.Root, "etc/default/grub")));
    }

    public void Dispose()
    {
        _tree.Dispose();
        Scratch.DeleteDatabase(_database);
    }
}
