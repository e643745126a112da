using System.Diagnostics;
using Passthru.TestSupport;

namespace Passthru.Benchmarks;

/// <summary>
/// The published dashboard as its own process on a free loopback port, with a history database in
/// /dev/shm; disposing it stops the process and removes the database.
/// </summary>
internal sealed class PublishedDashboard : IAsyncDisposable
{
    private readonly string _database;

    private PublishedDashboard(Process process, Uri baseAddress, string database)
        => (Process, BaseAddress, _database) = (process, baseAddress, database);

    public Process Process { get; }

    public Uri BaseAddress { get; }

    /// <summary>Starts <paramref name="app"/> with <paramref name="arguments"/> and waits until it answers.</summary>
    public static async Task<PublishedDashboard> StartAsync(string app, params string[] arguments)
    {
        var port = LocalServer.FreePort();
        var database = Path.Combine("/dev/shm", $"passthru-benchmark-{Environment.ProcessId}-{port}.db");
        var process = Process.Start(new ProcessStartInfo(app, ["--urls", $"http://127.0.0.1:{port}", "--Passthru:Database", database, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException($"{app} did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var dashboard = new PublishedDashboard(process, new Uri($"http://127.0.0.1:{port}/"), database);
        try
        {
            await LocalServer.WaitUntilServingAsync(dashboard.BaseAddress, TimeSpan.FromSeconds(60));
            return dashboard;
        }
        catch
        {
            await dashboard.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Process.Kill(entireProcessTree: true);
        await Process.WaitForExitAsync();
        Process.Dispose();
        foreach (var file in new[] { _database, _database + "-wal", _database + "-shm" })
        {
            File.Delete(file);
        }
    }
}
