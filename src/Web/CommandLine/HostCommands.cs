using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Passthru.Core.Changes;
using Passthru.Core.History;

namespace Passthru.Web.CommandLine;

/// <summary>
/// The same executable, for scripts: picks the command, parses its arguments and settings, runs it,
/// and turns what went wrong into a message and an exit code. Each command lives in its own class.
/// </summary>
public static class HostCommands
{
    public const int Succeeded = 0;
    public const int Refused = 1;
    public const int Failed = 3;
    public const int Error = 4;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // For a terminal and jq, not for HTML: "device's", not "device\u0027s".
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Every command with its usage and one line on what it does, for <c>--help</c>.</summary>
    private static readonly (string Name, string Usage, string Summary)[] Commands =
    [
        ("scan", "scan [--json]", "IOMMU groups, devices, drivers and whether each can be passed to a guest (a table, or JSON)"),
        ("check", "check [--json]", "the host checks with reasons and fixes; exit code 1 when one fails"),
        ("capture", "capture OUTPUT.tar.gz [--json]", "archive what Passthru reads of this host, for a bug report (open it with --host-root)"),
        ("detach", "detach ADDRESS | --group N [--dry-run] [--force] [--expect VVVV:DDDD] [--plan FINGERPRINT]", "give a device or a group to vfio-pci (JSON)"),
        ("reattach", "reattach ADDRESS | --group N [--dry-run] [--force] [--plan FINGERPRINT]", "give it back to its host driver (JSON)"),
        ("history", "history", "every detach and reattach, newest first (JSON)"),
        ("boot", BootCommands.Usage, "devices claimed for vfio-pci at boot: list them with what this boot did, claim, release (JSON)"),
        ("cmdline", "cmdline [--add P[,P]] [--remove P[,P]] [--dry-run] [--plan FINGERPRINT]",
            "the kernel command line: boot setup, reboot pending; with --add/--remove, apply (intel_iommu=on, iommu=pt; remove pcie_acs_override, vfio-pci.ids, amd_iommu=off)"),
        ("libvirt-hook", LibvirtHookCommand.Usage, "libvirt's qemu hook: refuses to start a guest whose host device address holds another card than the one given it"),
        ("help", "help", "this list"),
    ];

    public static bool Handles(string[] args)
        => args.Length > 0 && (args[0] is "--help" or "-h" || Commands.Any(c => c.Name == args[0]));

    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.In, Console.Out, Console.Error);

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) => RunAsync(args, TextReader.Null, output, error);

    /// <param name="input">What a command reads from stdin (the hook's domain XML).</param>
    /// <param name="systemLog">Where the hook's warnings go besides stderr; <c>/dev/log</c> unless a test gives its own.</param>
    internal static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error, string systemLog = SystemLog.DefaultSocket)
    {
        ArgumentNullException.ThrowIfNull(args);
        var command = args[0];
        if (command is "help" or "--help" or "-h" || args.Skip(1).Any(a => a is "--help" or "-h"))
        {
            WriteHelp(output);
            return Succeeded;
        }

        try
        {
            if (command == "libvirt-hook")
            {
                // libvirt's four words come first, whatever they hold (a guest may be named "-x"); settings follow them.
                var hookArguments = args.Skip(1).Take(4).ToArray();
                var hookSettings = CommandArguments.Parse(args.Skip(5), [], []);
                HostCommands.NoPositional("libvirt-hook", hookSettings);
                using var hookConfiguration = CommandSettings.Load(hookSettings.Settings);
                return await LibvirtHookCommand.RunAsync(hookArguments, hookConfiguration, input, error, new SystemLog(systemLog, "passthru-libvirt-hook"));
            }

            var (switches, valued) = command switch
            {
                "scan" => (ScanCommand.Switches, Array.Empty<string>()),
                "check" => (CheckCommand.Switches, Array.Empty<string>()),
                "capture" => (CaptureCommand.Switches, Array.Empty<string>()),
                "boot" => (BootCommands.Switches, BootCommands.Valued),
                "cmdline" => (KernelLineCommand.Switches, KernelLineCommand.Valued),
                _ => (BindingCommands.Switches, BindingCommands.Valued),
            };
            var arguments = CommandArguments.Parse(args.Skip(1), switches, valued);
            using var settings = CommandSettings.Load(arguments.Settings);
            return command switch
            {
                "scan" => ScanCommand.Run(arguments, settings, output, error),
                "check" => CheckCommand.Run(arguments, settings, output, error),
                "capture" => CaptureCommand.Run(arguments, settings, output, error),
                "boot" => await BootCommands.RunAsync(arguments, settings, output),
                "cmdline" => await KernelLineCommand.RunAsync(arguments, settings, output),
                _ => await BindingCommands.RunAsync(command, arguments, settings, output),
            };
        }
        catch (Exception ex) when (ex is UsageException or UnknownTargetException or HistoryUnavailableException or OptionsValidationException)
        {
            await error.WriteLineAsync(ex is OptionsValidationException validation ? string.Join(" ", validation.Failures) : ex.Message);
            return Error;
        }
    }

    /// <exception cref="UsageException">The command was given words it does not take.</exception>
    internal static void NoPositional(string command, CommandArguments arguments)
    {
        if (arguments.Positional.Count > 0)
        {
            throw new UsageException($"{command} takes no argument '{arguments.Positional[0]}' (see --help).");
        }
    }

    private static void WriteHelp(TextWriter output)
    {
        output.WriteLine("Passthru: PCI passthrough on this KVM host. Without a command it serves the dashboard on http://127.0.0.1:5280.");
        output.WriteLine();
        output.WriteLine("Commands:");
        var width = Commands.Max(c => c.Name.Length);
        foreach (var (name, _, summary) in Commands)
        {
            output.WriteLine($"  {name.PadRight(width)}  {summary}");
        }

        output.WriteLine();
        output.WriteLine("Usage:");
        foreach (var (_, usage, _) in Commands)
        {
            output.WriteLine($"  Passthru.Web {usage}");
        }

        output.WriteLine();
        output.WriteLine("Every command takes --host-root DIR (a host tree, or a capture's .tar.gz) and --Passthru:Setting VALUE.");
        output.WriteLine("Exit codes: 0 done, 1 refused (or a check failed), 3 failed, 4 bad arguments or unreadable input.");
    }
}
