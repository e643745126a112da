using System.Diagnostics;
using System.Globalization;
using Passthru.TestSupport;

namespace Passthru.Browser.Tests.EndToEnd;

/// <summary>
/// The lab's L1 guest in mode <c>e2e</c> (tests/lab/modes/e2e.sh): a real kernel with an emulated VT-d,
/// the host's own libvirtd and the published Passthru running in it from the host's root over 9p, and
/// a tiny L2 guest defined there. Passthru's HTTPS port is forwarded to 127.0.0.1 on this machine
/// (qemu's hostfwd), so a browser here drives the real dashboard of that kernel.
/// <para>
/// Started by <c>tests/lab/run.sh</c>, which kills its own qemu whenever it ends. Stopped by PID:
/// a "done" file lets L1 stop its daemons and power off; after that run.sh gets SIGTERM, and qemu
/// (PID from run.sh's qemu.pid, checked to be ours) SIGKILL. A test host that exits early stops both too.
/// </para>
/// </summary>
public sealed class NestedLab : IAsyncDisposable
{
    /// <summary>The port Passthru listens on inside L1 (10.0.2.15).</summary>
    public const int GuestPort = 5281;

    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(10);

    private readonly Process _run;
    private readonly Action<string> _log;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private NestedLab(string directory, int hostPort, Process run, Action<string> log)
    {
        Directory = directory;
        BaseAddress = new Uri($"https://127.0.0.1:{hostPort}/");
        _run = run;
        _log = log;
        Backend = new LabBackend(directory, () => _run.HasExited);
        Ended = run.WaitForExitAsync();
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>run.sh's output directory: L1's console, Passthru's log, the backend requests; L1 sees it as /out.</summary>
    public string Directory { get; }

    /// <summary>The dashboard as this machine's browser reaches it (Host header 127.0.0.1, which AllowedHosts has).</summary>
    public Uri BaseAddress { get; }

    /// <summary>Questions L1 answers from its own kernel and libvirt (sysfs drivers, virsh, L2's console).</summary>
    public LabBackend Backend { get; }

    /// <summary>Completes when run.sh has ended: L1 powered off, its kernel stopped, or qemu was killed.</summary>
    public Task Ended { get; }

    public string ConsolePath => Path.Combine(Directory, "console.log");

    /// <summary>Boots L1 and returns once the dashboard answers through the forwarded port.</summary>
    /// <param name="app">The published Passthru.Web executable (run inside L1 from the host's root).</param>
    public static async Task<NestedLab> StartAsync(string directory, string app, string pamService, Action<string> log)
    {
        var labDir = Path.Combine(RepositoryPaths.Root, "tests", "lab");
        var work = Environment.GetEnvironmentVariable("LAB_WORK") is { Length: > 0 } w ? w : "/tmp/passthru-lab";
        log("building the lab image (tests/lab/build.sh; cached)");
        await ProcessRunner.RunAsync(Path.Combine(labDir, "build.sh"), [], TimeSpan.FromMinutes(10));

        if (System.IO.Directory.Exists(directory))
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }

        System.IO.Directory.CreateDirectory(directory);
        SelfSignedTls.Write(directory);
        File.WriteAllText(Path.Combine(directory, "e2e.env"),
            $"APP={Path.GetFullPath(app)}\nPORT={GuestPort}\nPAM_SERVICE={pamService}\n");

        var hostPort = LocalServer.FreePort();
        var start = new ProcessStartInfo("/bin/bash", ["-c", "exec \"$0\" e2e \"$1\" > \"$1/run.log\" 2>&1", Path.Combine(labDir, "run.sh"), directory])
        {
            UseShellExecute = false,
        };
        start.Environment["LAB_WORK"] = work;
        start.Environment["LAB_IOMMU"] = "intel";
        start.Environment["LAB_MEM"] = "2560";
        // The hard limit on the whole run, boot and scenario: run.sh kills qemu after it.
        start.Environment["LAB_TIMEOUT"] = "1500";
        start.Environment["LAB_HOSTFWD"] = $"tcp:127.0.0.1:{hostPort}-:{GuestPort}";
        // A soft lockup of L1's vCPU under nested KVM in TCG panics, and the panic ends qemu (-no-reboot): a hang fails fast.
        start.Environment["LAB_APPEND"] = $"softlockup_panic=1 lab.l2dir={work}/out";
        var lab = new NestedLab(directory, hostPort, Process.Start(start)!, log);
        try
        {
            await lab.WaitUntilReadyAsync();
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Whether L1's kernel stopped or hung (rather than a step failing on a working host): qemu gone without
    /// init's verdict (a panic, e.g. a soft lockup), a lockup or stall on its console, or no answer to a
    /// backend question while qemu still runs. Asks L1 once, so it takes up to half a minute.
    /// </summary>
    public async Task<bool> HasHungAsync()
    {
        if (_run.HasExited)
        {
            return !File.Exists(Path.Combine(Directory, "result"));
        }

        var console = File.Exists(ConsolePath) ? await File.ReadAllTextAsync(ConsolePath) : "";
        if (console.Contains("soft lockup", StringComparison.Ordinal) || console.Contains("Kernel panic", StringComparison.Ordinal)
            || console.Contains("detected stalls", StringComparison.Ordinal))
        {
            return true;
        }

        try
        {
            await Backend.AskAsync("drivers 0000:05:00.0", TimeSpan.FromSeconds(30));
            return false;
        }
        catch (TimeoutException)
        {
            return true;
        }
    }

    /// <summary>The last lines of L1's console, for a failure message.</summary>
    public string ConsoleTail(int lines = 30)
        => File.Exists(ConsolePath) ? string.Join('\n', File.ReadLines(ConsolePath).TakeLast(lines)) : "(no console.log)";

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        if (_run.HasExited)
        {
            _run.Dispose();
            return;
        }

        // L1 stops Passthru and libvirtd, keeps their logs in /out/l1, and powers off.
        await File.WriteAllTextAsync(Path.Combine(Directory, "done"), "");
        if (!await ExitedWithinAsync(TimeSpan.FromSeconds(90)))
        {
            _log("L1 did not power off within 90 s of 'done': stopping run.sh (SIGTERM; it kills its qemu)");
            Signal(_run.Id, "TERM");
            if (!await ExitedWithinAsync(TimeSpan.FromSeconds(15)))
            {
                KillQemuAndRunner();
                await ExitedWithinAsync(TimeSpan.FromSeconds(5));
            }
        }

        _log($"L1 stopped ({_clock.Elapsed.TotalSeconds:0} s after its start); {File.ReadAllText(Path.Combine(Directory, "run.log")).Trim()}");
        _run.Dispose();
    }

    private async Task WaitUntilReadyAsync()
    {
        var ready = Path.Combine(Directory, "ready");
        var deadline = DateTime.UtcNow + BootTimeout;
        while (!File.Exists(ready))
        {
            if (_run.HasExited)
            {
                throw new InvalidOperationException($"L1 ended before the dashboard was ready ({(await HasHungAsync() ? "its kernel stopped" : "its e2e mode failed")}). " +
                    $"Console ({ConsolePath}):\n{ConsoleTail()}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"L1 was not ready within {BootTimeout.TotalMinutes} min. Console ({ConsolePath}):\n{ConsoleTail()}");
            }

            await Task.Delay(500);
        }

        _log($"L1 ready: Passthru listens in it ({_clock.Elapsed.TotalSeconds:0} s after the boot started)");
        // The first page through the forwarded port: the dashboard, its TLS and hostfwd all work.
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(BaseAddress, "login"));
                response.EnsureSuccessStatusCode();
                break;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && DateTime.UtcNow < deadline && !_run.HasExited)
            {
                await Task.Delay(1000);
            }
        }

        _log($"the dashboard answers at {BaseAddress} ({_clock.Elapsed.TotalSeconds:0} s)");
    }

    private async Task<bool> ExitedWithinAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _run.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL to the qemu run.sh started (its PID file, checked against /proc) and to run.sh.</summary>
    private void KillQemuAndRunner()
    {
        if (QemuPid() is { } qemu)
        {
            _log($"killing qemu {qemu}");
            Signal(qemu, "KILL");
        }

        if (!_run.HasExited)
        {
            Signal(_run.Id, "KILL");
        }
    }

    /// <summary>qemu's PID from run.sh's qemu.pid, only while that process is a qemu serving this run's directory.</summary>
    private int? QemuPid()
    {
        try
        {
            var pid = int.Parse(File.ReadAllText(Path.Combine(Directory, "qemu.pid")).Trim(), CultureInfo.InvariantCulture);
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
            return commandLine.StartsWith("qemu-system-x86_64", StringComparison.Ordinal) && commandLine.Contains(Directory, StringComparison.Ordinal) ? pid : null;
        }
        catch (Exception ex) when (ex is IOException or FormatException)
        {
            return null;
        }
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        if (!_run.HasExited)
        {
            KillQemuAndRunner();
        }
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("/bin/kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }
}
