using Passthru.Core.Capture;
using Passthru.Web;
using Passthru.Web.CommandLine;

try
{
    // `scan`, `check`, `capture`, `detach`, `reattach`, `history` and `--help` are for scripts; anything else serves the dashboard.
    if (HostCommands.Handles(args))
    {
        return await HostCommands.RunAsync(args);
    }

    // --host-root may name a capture's .tar.gz: the dashboard then reads it unpacked, and removes it when it stops.
    UnpackedCapture? unpacked;
    try
    {
        (args, unpacked) = HostRootArgument.UnpackArchive(args);
    }
    catch (HostRootArchiveException ex)
    {
        Console.Error.WriteLine(ex.Message);
        return 2;
    }

    using (unpacked)
    {
        var app = PassthruApp.Build(args);
        await app.RunAsync();
        return 0;
    }
}
catch (StartupRefusedException ex)
{
    // A bad setting, a settings file that cannot be read, a non-loopback address without logins.
    Console.Error.WriteLine(ex.Message);
    return 2;
}

/// <summary>Entry point, public for WebApplicationFactory in tests.</summary>
public partial class Program;
