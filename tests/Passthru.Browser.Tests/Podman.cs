using System.Diagnostics;
using Passthru.TestSupport;

namespace Passthru.Browser.Tests;

/// <summary>Rootful podman for the container tests, with the flags this sandbox needs and any Linux host accepts.</summary>
internal static class Podman
{
    /// <summary>
    /// runc, not crun: crun fails here on rlimits and the hybrid cgroup hierarchy. Given on every
    /// command (a global flag) so no machine-wide containers.conf has to change.
    /// </summary>
    public static readonly string[] RuntimeFlags = ["--runtime", "runc"];

    /// <summary>Explicit limits: the inherited ones cannot be set in a container here (nproc of 65536 or more fails).</summary>
    public static readonly string[] UlimitFlags = ["--ulimit", "nofile=20000:20000", "--ulimit", "nproc=20000:20000"];

    public static Task<string> RunAsync(params string[] arguments)
        => ProcessRunner.RunAsync("podman", [.. RuntimeFlags, .. arguments], TimeSpan.FromMinutes(2));

    /// <summary>The command's exit code, for commands whose failure is an answer (image exists, healthcheck run).</summary>
    public static async Task<int> ExitCodeAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("podman") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in RuntimeFlags.Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("podman did not start");
        var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        await drain;
        return process.ExitCode;
    }

    public static async Task<string> LogsAsync(string container)
    {
        try
        {
            return await RunAsync("logs", container);
        }
        catch (InvalidOperationException ex)
        {
            return ex.Message;
        }
    }
}
