using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Microsoft.Data.Sqlite;
using Passthru.TestSupport;

namespace Passthru.Browser.Tests;

/// <summary>
/// The published app as a Type=notify service. systemd is not running on this machine, so the app is started as
/// it would be as a containerised service (podman run --sdnotify=container): PID 1 of its own PID namespace, with
/// NOTIFY_SOCKET naming a datagram socket the test reads, as systemd's own does. Microsoft.Extensions.Hosting.Systemd
/// treats both cases alike.
/// </summary>
[Collection(DeploymentCollection.Name)]
public sealed class SystemdNotifyTests : IDisposable
{
    private readonly string _socketPath = Scratch.NewPath("passthru-notify") + ".sock";
    private readonly string _database = Scratch.NewPath("passthru-notify") + ".db";

    public void Dispose()
    {
        File.Delete(_socketPath);
        Scratch.DeleteDatabase(_database);
    }

    [PublishedAppFact]
    public async Task Start_AsANotifyService_SaysReadyOnlyAfterMigrationsAndTheFirstScan_AndLogsForJournald()
    {
        using var notifications = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notifications.Bind(new UnixDomainSocketEndPoint(_socketPath));
        var port = LocalServer.FreePort();
        var tree = CapturedTrees.Path("intel-initial");
        var output = new StringBuilder();
        var start = new ProcessStartInfo("unshare",
            ["--pid", "--fork", "--mount-proc", "--kill-child", Environment.GetEnvironmentVariable(PublishedAppFactAttribute.Variable)!,
             "--urls", $"http://127.0.0.1:{port}", "--host-root", tree, "--Passthru:Database", _database, "--Passthru:LibvirtUri", LibvirtTestHost.UnreachableUri])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["NOTIFY_SOCKET"] = _socketPath },
        };
        using var app = Process.Start(start)!;
        app.OutputDataReceived += (_, line) => { lock (output) { output.AppendLine(line.Data); } };
        app.ErrorDataReceived += (_, line) => { lock (output) { output.AppendLine(line.Data); } };
        app.BeginOutputReadLine();
        app.BeginErrorReadLine();
        try
        {
            var ready = await ReceiveAsync(notifications, TimeSpan.FromSeconds(60));

            // At READY=1 the history is migrated and holds what the first scan found; the dashboard answers at once.
            Assert.Contains("READY=1", ready, StringComparison.Ordinal);
            Assert.Equal(TreeScan.Scan(tree).Devices.Count, await CountAsync("SELECT count(*) FROM inventory"));
            Assert.True(await CountAsync("SELECT count(*) FROM schema_migrations") > 0);
            using var http = new HttpClient();
            Assert.True((await http.GetAsync(new Uri($"http://127.0.0.1:{port}/api/host"))).IsSuccessStatusCode);

            // Stopping is announced too, and the process ends cleanly. (unshare ignores SIGTERM while it waits: the app gets it.)
            var pid = File.ReadAllText($"/proc/{app.Id}/task/{app.Id}/children").Trim();
            Process.Start("kill", ["-TERM", pid])!.WaitForExit();
            Assert.Contains("STOPPING=1", await ReceiveAsync(notifications, TimeSpan.FromSeconds(30)), StringComparison.Ordinal);
            await app.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

            // Log lines in journald's format: the syslog priority first (6 = info), one line each.
            string log;
            lock (output)
            {
                log = output.ToString();
            }

            Assert.Contains(log.Split('\n'), line => line.StartsWith("<6>", StringComparison.Ordinal) && line.Contains("First scan: ", StringComparison.Ordinal));
        }
        finally
        {
            if (!app.HasExited)
            {
                app.Kill(entireProcessTree: true);
                await app.WaitForExitAsync();
            }
        }
    }

    private static async Task<string> ReceiveAsync(Socket socket, TimeSpan timeout)
    {
        var buffer = new byte[4096];
        using var cancel = new CancellationTokenSource(timeout);
        var length = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
