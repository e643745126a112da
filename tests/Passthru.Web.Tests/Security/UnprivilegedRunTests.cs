using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Passthru.TestSupport;

namespace Passthru.Web.Tests.Security;

/// <summary>
/// Someone trying Passthru on their own machine runs it as themselves, in no allowed group: the dashboard
/// works for them (and for root and the allowed groups), and not for the other accounts. The app's own build,
/// run by passthru-t-outsider with the system's dotnet; requests by real processes of each account.
/// </summary>
public sealed class UnprivilegedRunTests : IAsyncLifetime
{
    private readonly string _copy = Scratch.NewPath("passthru-unprivileged");
    private Process? _app;
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        if (PamTestAccounts.MissingReason is not null)
        {
            return;
        }

        CopyBuild(Path.Combine(RepositoryPaths.Root, "src", "Web", "bin", "Release", "net10.0", "linux-x64"), _copy);
        await ProcessRunner.RunAsync("chown", ["-R", PamTestAccounts.Outsider, _copy]);
        var port = FreePort();
        _address = new Uri($"http://127.0.0.1:{port}/");
        _app = Process.Start(new ProcessStartInfo("runuser",
            ["-u", PamTestAccounts.Outsider, "--", DotnetHost, Path.Combine(_copy, "Passthru.Web.dll"), "--urls", _address.ToString().TrimEnd('/'),
             "--Passthru:Database", Path.Combine(_copy, "history.db"), "--Passthru:LibvirtUri", LibvirtTestHost.UnreachableUri])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _app.BeginOutputReadLine();
        _app.BeginErrorReadLine();
        await WaitUntilListeningAsync();
    }

    [PamFact]
    public async Task TheAccountRunningIt_RootAndTheAllowedGroups_MayUseIt_AndNobodyElse()
    {
        Assert.Equal(200, await StatusAsync(PamTestAccounts.Outsider));
        Assert.Equal(200, await StatusAsync("root"));
        Assert.Equal(200, await StatusAsync(PamTestAccounts.Admin));
        Assert.Equal(403, await StatusAsync("nobody"));
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            // runuser passes the signal on to the dashboard, which stops and lets runuser end.
            _app.Kill(entireProcessTree: true);
            await _app.WaitForExitAsync();
            _app.Dispose();
        }

        if (Directory.Exists(_copy))
        {
            Directory.Delete(_copy, recursive: true);
        }
    }

    /// <summary>The dotnet host running these tests (the account's PATH need not have one).</summary>
    private static string DotnetHost => Environment.ProcessPath is { } path && Path.GetFileName(path) == "dotnet" ? path : "dotnet";

    private async Task<int> StatusAsync(string user)
        => int.Parse(await ProcessRunner.RunAsync("runuser", ["-u", user, "--", "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "30",
            new Uri(_address, "api/groups").ToString()]), System.Globalization.CultureInfo.InvariantCulture);

    private async Task WaitUntilListeningAsync()
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, _address.Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_app!.HasExited)
            {
                await Task.Delay(200);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void CopyBuild(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(directory.Replace(from, to, StringComparison.Ordinal));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
        }
    }
}
