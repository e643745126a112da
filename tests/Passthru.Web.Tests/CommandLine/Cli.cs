using System.Text.Json;
using Passthru.Web.CommandLine;

namespace Passthru.Web.Tests.CommandLine;

/// <summary>Runs a command of the real executable's dispatcher in this process, with its output captured.</summary>
internal static class Cli
{
    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(args, TextReader.Null);

    /// <param name="input">The command's stdin.</param>
    /// <param name="systemLog">Where a command's system-log warnings go (a datagram socket the test reads); none by default.</param>
    public static async Task<CliResult> RunAsync(string[] args, TextReader input, string systemLog = "/nonexistent/passthru-test-log")
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await HostCommands.RunAsync(args, input, output, error, systemLog);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>A command against a tree, with the pci.ids lspci uses (as the Core scan in the tests does).</summary>
    public static Task<CliResult> OnTreeAsync(string tree, params string[] args)
        => RunAsync([.. args, "--host-root", tree, "--Passthru:PciIdsPath", TestHost.PciIds]);
}

internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public JsonElement Json => JsonDocument.Parse(Output).RootElement;

    public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
