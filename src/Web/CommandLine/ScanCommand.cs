using System.Text.Json;

namespace Passthru.Web.CommandLine;

/// <summary><c>scan [--json]</c>: the IOMMU groups, devices, drivers and verdicts. Reads sysfs only: no database, no libvirt.</summary>
internal static class ScanCommand
{
    public static readonly string[] Switches = ["json"];

    public static int Run(CommandArguments arguments, CommandSettings settings, TextWriter output, TextWriter error)
    {
        HostCommands.NoPositional("scan", arguments);
        var host = settings.Scanner(error).Scan();
        if (arguments.Has("json"))
        {
            output.WriteLine(JsonSerializer.Serialize(ScanReport.From(host), HostCommands.Json));
            return HostCommands.Succeeded;
        }

        ScanTable.Write(host, output);
        foreach (var warning in host.Warnings)
        {
            error.WriteLine($"warning: {warning}");
        }

        return HostCommands.Succeeded;
    }
}
