using System.Diagnostics;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Lab;

/// <summary>
/// One boot of the lab (a real kernel, emulated VT-d, the real vfio-pci; 00:1b.0 put on vfio-pci) in which
/// the published binary, run from the host's root over 9p, prints <c>scan --json</c> of the kernel's real
/// sysfs and writes a <c>capture</c> of it (tests/lab/modes/cli-capture.sh). The tests compare the two.
/// </summary>
public sealed class LabCaptureRun : IAsyncLifetime
{
    /// <summary>The published app, which the host side runs too: the same binary scans the archive.</summary>
    public string App { get; } = Path.GetFullPath(Environment.GetEnvironmentVariable(LabBindingRun.PublishedAppVariable) ?? "Passthru.Web");

    /// <summary>Under test-results: CI keeps the guest's console, the archive and both scans.</summary>
    public string Output { get; } = Path.Combine(RepositoryPaths.Root, "test-results", "lab-capture");

    public string RunLog { get; private set; } = "";

    public bool Succeeded { get; private set; }

    public async Task InitializeAsync()
    {
        if (!File.Exists(App))
        {
            return; // the tests skip (LabBindingFact) and never look
        }

        if (Directory.Exists(Output))
        {
            Directory.Delete(Output, recursive: true);
        }

        Directory.CreateDirectory(Output);
        // Cached and quick when the test command's capture already built the guest; needed when this runs alone.
        var build = await RunAsync(new ProcessStartInfo(Path.Combine(RepositoryPaths.Root, "tests/lab/build.sh")), TimeSpan.FromMinutes(5));
        var boot = new ProcessStartInfo(Path.Combine(RepositoryPaths.Root, "tests/lab/run.sh"), ["cli-capture", Output]);
        boot.Environment["LAB_APPEND"] = $"lab.app={App}";
        // Two starts of the CLI under TCG, 18-40 s each (more while other tests load the cores): far below run.sh's 300 s.
        var run = await RunAsync(boot, TimeSpan.FromMinutes(6));
        RunLog = build.Log + run.Log;
        Succeeded = build.Succeeded && run.Succeeded;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public string Read(string file)
    {
        var path = Path.Combine(Output, file);
        Assert.True(File.Exists(path), $"The lab did not write {file}. Console: {Path.Combine(Output, "console.log")}\n{RunLog}");
        return File.ReadAllText(path);
    }

    public int ExitCode(string step) => int.Parse(Read($"{step}.rc").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<(bool Succeeded, string Log)> RunAsync(ProcessStartInfo start, TimeSpan limit)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var log = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        await output;
        return (process.ExitCode == 0, await log);
    }
}
