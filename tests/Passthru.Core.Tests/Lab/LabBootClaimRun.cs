using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Lab;

/// <summary>
/// Boot claims across real reboots of the lab (a real kernel, emulated VT-d, the real vfio-pci), three boots that
/// share one output directory, so the claim files and the history survive from one to the next:
/// <list type="number">
/// <item>the plain lab: the published app, run from the host's root over 9p, claims IOMMU group 12 (04:00.0 VGA,
/// 04:00.1 xHCI, 04:00.6 the ich9 sound card) with its config root under the shared directory;</item>
/// <item>a boot like a host's (tests/lab/modes/bootclaim.sh): Debian's real systemd-udevd runs those files before the
/// lab loads any driver, and the app's <c>boot list</c> and <c>history</c> say what became of the claims;</item>
/// <item>the same, with another sound card (qemu's intel-hda, 8086:2668) at 04:00.6.</item>
/// </list>
/// The guest records every device's driver and driver_override itself, so the tests check the kernel as well as the app.
/// </summary>
public sealed class LabBootClaimRun : IAsyncLifetime
{
    /// <summary>The Renoir-like group of the lab's topology (tests/fixtures/captured/README.md).</summary>
    public const int Group = 12;

    public const string SoundCard = "0000:04:00.6";

    public static readonly string[] GroupMembers = ["0000:04:00.0", "0000:04:00.1", SoundCard];

    public string App { get; } = Path.GetFullPath(Environment.GetEnvironmentVariable(LabBindingRun.PublishedAppVariable) ?? "Passthru.Web");

    /// <summary>Under test-results: CI keeps every boot's console, the claim files and the app's output.</summary>
    public string Output { get; } = Path.Combine(RepositoryPaths.Root, "test-results", "lab-boot-claim");

    public string RunLog { get; private set; } = "";

    /// <summary>Which boots reached their end ("claim", "claimed", "other-card").</summary>
    public IReadOnlyList<string> BootsDone => _bootsDone;

    private readonly List<string> _bootsDone = [];

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

        Directory.CreateDirectory(Path.Combine(Output, "config"));
        Directory.CreateDirectory(Path.Combine(Output, "state"));
        var build = await RunAsync(new ProcessStartInfo(Path.Combine(RepositoryPaths.Root, "tests/lab/build.sh")), TimeSpan.FromMinutes(5));
        RunLog = build.Log;
        if (!build.Succeeded)
        {
            return;
        }

        // Each boot only if the one before it got to its end: a later boot means nothing without the claim. Each start
        // of the CLI costs 20-45 s under TCG, so there are four: the third boot's two starts show the check is
        // written once per boot, and its history holds the second boot's check too.
        // --force: the VGA at 04:00.0 drives the guest's console (fbcon), a use by the host that is refused without it.
        _ = await BootAsync("claim", "script", [("claim", $"boot claim --group {Group} --force")], [])
            && await BootAsync("claimed", "bootclaim", [("list", "boot list --json")], [("LAB_UDEV", "config")])
            && await BootAsync("other-card", "bootclaim", [("list", "boot list --json"), ("history", "history")],
                [("LAB_UDEV", "config"), ("LAB_CARD_0406", "intel-hda")]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public string Read(string file)
    {
        var path = Path.Combine(Output, file);
        Assert.True(File.Exists(path), $"The lab did not write {file}. Consoles: {Output}/*-console.log\n{RunLog}");
        return File.ReadAllText(path);
    }

    /// <summary>The exit code of the app's command NAME in boot BOOT.</summary>
    public int ExitCode(string boot, string name) => int.Parse(Read($"{boot}.{name}.rc").Trim(), CultureInfo.InvariantCulture);

    /// <summary>The JSON the app printed for command NAME in boot BOOT (its stderr in the message when there is none).</summary>
    public JsonElement Json(string boot, string name)
    {
        var text = Read($"{boot}.{name}.out");
        Assert.False(string.IsNullOrWhiteSpace(text), $"{boot} {name} printed nothing; stderr: {Read($"{boot}.{name}.err")}");
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>
    /// Each PCI device's driver ("-" for none) and driver_override ("(null)" when unset) as the guest read them from
    /// sysfs: at "udev-settled" (udev alone) or "state" (after the lab loaded the rest of its modules).
    /// </summary>
    public IReadOnlyDictionary<string, (string Driver, string Override)> Devices(string boot, string when)
        => Read($"{boot}.{when}").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .ToDictionary(f => f[0], f => (f[1], f.Length > 2 ? f[2] : ""));

    /// <summary>One boot: COMMANDS (file name, the app's arguments) run in the guest in turn, each with its output in Output.</summary>
    private async Task<bool> BootAsync(string boot, string mode, (string Name, string Arguments)[] commands, (string Name, string Value)[] environment)
    {
        File.WriteAllText(Path.Combine(Output, "lab-script.sh"), Script(boot, commands));
        var start = new ProcessStartInfo(Path.Combine(RepositoryPaths.Root, "tests/lab/run.sh"), [mode, Output]);
        start.Environment["LAB_APPEND"] = $"lab.tag={boot}";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        // A boot under TCG is 25-60 s, each start of the CLI 18-40 s (more while other tests load both cores).
        var run = await RunAsync(start, TimeSpan.FromMinutes(6));
        RunLog += $"--- boot {boot} ---\n{run.Log}";
        // run.sh writes console.log afresh on every boot: each boot keeps its own.
        var console = Path.Combine(Output, "console.log");
        if (File.Exists(console))
        {
            File.Move(console, Path.Combine(Output, $"{boot}-console.log"), overwrite: true);
        }

        if (run.Succeeded)
        {
            _bootsDone.Add(boot);
        }

        return run.Succeeded;
    }

    /// <summary>
    /// The guest's part of one boot (busybox sh, guestlib.sh loaded). The app runs in the chroot of the host's root with
    /// the shared directory bound at /run/lab-out; its config root is /run/lab-out/config. The history database lives on
    /// the chroot's tmpfs while the app runs (SQLite's WAL needs shared memory maps, which 9p does not give) and is
    /// carried to the next boot in Output/state.
    /// </summary>
    private string Script(string boot, (string Name, string Arguments)[] commands) => $$"""
        # Written by LabBootClaimRun for boot "{{boot}}": runs in the guest, with guestlib.sh loaded.
        lab_host_chroot
        mkdir -p /host/run/lab-out
        mount --bind /out /host/run/lab-out || lab_die "bind /out"
        cp /out/state/passthru.db* /host/tmp/ 2>/dev/null
        run() {
            name=$1; shift
            echo "{{boot}} $name start $(cut -d' ' -f1 /proc/uptime)" >> /out/timing
            chroot /host {{App}} "$@" --Passthru:Boot:ConfigRoot /run/lab-out/config --Passthru:Database /tmp/passthru.db \
                > /out/{{boot}}.$name.out 2> /out/{{boot}}.$name.err
            echo $? > /out/{{boot}}.$name.rc
        }
        {{string.Join("\n", commands.Select(c => $"run {c.Name} {c.Arguments}"))}}
        echo "{{boot}} done $(cut -d' ' -f1 /proc/uptime)" >> /out/timing
        rm -f /out/state/passthru.db*
        cp /host/tmp/passthru.db* /out/state/
        """;

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
