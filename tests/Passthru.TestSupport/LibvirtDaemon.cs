using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Passthru.TestSupport;

/// <summary>
/// A real libvirtd serving <c>qemu:///system</c>, for integration tests (an xunit collection fixture).
/// Starts virtlogd and libvirtd only if they are not already running, and stops by PID only what it
/// started: in Dispose, after a failed start, and at process exit if a run is cut short.
/// Runs where libvirtd can: as root, with libvirt's daemons and qemu installed (./test.sh installs them).
/// </summary>
public sealed class LibvirtDaemon : IDisposable
{
    public const string Uri = "qemu:///system";

    private const string Libvirtd = "/usr/sbin/libvirtd";
    private const string Virtlogd = "/usr/sbin/virtlogd";
    private const string LibvirtdPidFile = "/run/libvirtd.pid";
    private const string VirtlogdPidFile = "/run/virtlogd.pid";
    private const string Socket = "/run/libvirt/libvirt-sock";

    private readonly Lock _gate = new();
    private int? _startedLibvirtd;
    private int? _startedVirtlogd;

    public LibvirtDaemon()
    {
        if (CannotRunReason is not null)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        try
        {
            Start();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Why libvirtd cannot run here (tests that need it skip with this), or null.</summary>
    public static string? CannotRunReason { get; } = FindCannotRunReason();

    /// <summary>The PID of a libvirtd that this fixture did not start, if one runs: such a daemon is never restarted by tests.</summary>
    public static int? ForeignLibvirtd { get; } = CannotRunReason is null ? RunningPid(LibvirtdPidFile, "libvirtd") : null;

    /// <summary>Whether this fixture started libvirtd (and so may restart it).</summary>
    public bool StartedLibvirtd => _startedLibvirtd is not null;

    /// <summary>How long the last libvirtd start took, until its socket accepted connections.</summary>
    public TimeSpan LastLibvirtdStart { get; private set; }

    /// <summary>Stops the libvirtd this fixture started (SIGTERM) and waits until it has exited.</summary>
    public void StopLibvirtd()
    {
        lock (_gate)
        {
            if (_startedLibvirtd is not { } pid)
            {
                throw new InvalidOperationException("This fixture did not start libvirtd; it does not stop a daemon it did not start.");
            }

            Stop(pid);
            _startedLibvirtd = null;
        }
    }

    /// <summary>Starts libvirtd again after <see cref="StopLibvirtd"/>.</summary>
    public void StartLibvirtd()
    {
        lock (_gate)
        {
            _startedLibvirtd ??= StartDaemon(Libvirtd, LibvirtdPidFile, "libvirtd", waitForSocket: true);
        }
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        StopStarted();
    }

    private void Start()
    {
        // virtlogd keeps the qemu logs and refuses to start without their directory.
        Directory.CreateDirectory("/var/log/libvirt");
        lock (_gate)
        {
            if (RunningPid(VirtlogdPidFile, "virtlogd") is null)
            {
                _startedVirtlogd = StartDaemon(Virtlogd, VirtlogdPidFile, "virtlogd", waitForSocket: false);
            }

            if (RunningPid(LibvirtdPidFile, "libvirtd") is null)
            {
                _startedLibvirtd = StartDaemon(Libvirtd, LibvirtdPidFile, "libvirtd", waitForSocket: true);
            }
            else
            {
                WaitForSocket();
            }
        }
    }

    private int StartDaemon(string program, string pidFile, string name, bool waitForSocket)
    {
        var clock = Stopwatch.StartNew();
        // -d: the daemon forks, and the command returns once it is ready; its output goes to /dev/null.
        ProcessRunner.RunAsync(program, ["-d"], TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        int? pid;
        while ((pid = RunningPid(pidFile, name)) is null)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"{program} -d returned, but {pidFile} names no running {name}.");
            }

            Thread.Sleep(20);
        }

        if (waitForSocket)
        {
            WaitForSocket();
            LastLibvirtdStart = clock.Elapsed;
        }

        return pid.Value;
    }

    private static void WaitForSocket()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            try
            {
                using var socket = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                socket.Connect(new UnixDomainSocketEndPoint(Socket));
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
        }
    }

    private void StopStarted()
    {
        lock (_gate)
        {
            foreach (var pid in new[] { _startedLibvirtd, _startedVirtlogd })
            {
                if (pid is { } p)
                {
                    Stop(p);
                }
            }

            _startedLibvirtd = null;
            _startedVirtlogd = null;
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => StopStarted();

    /// <summary>SIGTERM, then SIGKILL if it has not exited within 15 s.</summary>
    private static void Stop(int pid)
    {
        Signal(pid, "TERM");
        if (!WaitForExit(pid, TimeSpan.FromSeconds(15)))
        {
            Signal(pid, "KILL");
            WaitForExit(pid, TimeSpan.FromSeconds(5));
        }
    }

    private static void Signal(int pid, string signal)
    {
        try
        {
            ProcessRunner.RunAsync("/bin/kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static bool WaitForExit(int pid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (IsAlive(pid))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(20);
        }

        return true;
    }

    /// <summary>The PID in <paramref name="pidFile"/> if that process runs and is <paramref name="name"/> (a stale file names another or none).</summary>
    private static int? RunningPid(string pidFile, string name)
    {
        try
        {
            var text = File.ReadAllText(pidFile).Trim();
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && IsAlive(pid)
                && File.ReadAllText($"/proc/{pid}/comm").Trim() == name ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Exists and is not a zombie (a daemonized process's parent is init, which may reap it late).</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault();
            return state is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string? FindCannotRunReason()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "libvirtd integration tests run on Linux only";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "libvirtd integration tests need root (they start libvirtd for qemu:///system)";
        }

        foreach (var (path, package) in new[]
        {
            (Libvirtd, "libvirt-daemon-system"),
            (Virtlogd, "libvirt-daemon-system"),
            ("/usr/bin/virsh", "libvirt-clients"),
            ("/usr/bin/qemu-system-x86_64", "qemu-system-x86"),
        })
        {
            if (!File.Exists(path))
            {
                return $"{path} is not installed (apt-get install {package}; ./test.sh installs it)";
            }
        }

        // libvirtd looks the qemu user up before reading its configuration and exits without it;
        // the libvirt-daemon-system package creates it.
        if (!File.ReadLines("/etc/passwd").Any(line => line.StartsWith("libvirt-qemu:", StringComparison.Ordinal)))
        {
            return "the user libvirt-qemu is missing, and libvirtd will not start without it (apt-get install libvirt-daemon-system creates it)";
        }

        return null;
    }
}
