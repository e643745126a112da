using Passthru.Web;
using Passthru.Web.CommandLine;

try
{
    // `detach`, `reattach` and `history` are for scripts; anything else serves the dashboard.
    if (HostCommands.Handles(args))
    {
        return await HostCommands.RunAsync(args);
    }

    var app = PassthruApp.Build(args);
    await app.RunAsync();
    return 0;
}
catch (StartupRefusedException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

/// <summary>Entry point, public for WebApplicationFactory in tests.</summary>
public partial class Program;
