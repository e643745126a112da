using System.Diagnostics;
using System.Text.Json;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Lab;

/// <summary>
/// One boot of the lab (a real kernel with an emulated VT-d and the real vfio-pci) in which the
/// published Passthru binary, run from the host's root shared over 9p, detaches and reattaches
/// devices step by step. After each step the guest records the drivers from sysfs and /dev/vfio,
/// and vfiochk asks VFIO itself whether a group is viable. The tests read those records.
/// </summary>
public sealed class LabBindingRun
{
    public const string PublishedAppVariable = "PASSTHRU_PUBLISHED_APP";

    private static readonly string[] Watched =
        ["0000:00:1b.0", "0000:02:00.0", "0000:03:01.0", "0000:03:02.0", "0000:04:00.0", "0000:04:00.1", "0000:04:00.6"];

    public LabBindingRun()
    {
        var app = Environment.GetEnvironmentVariable(PublishedAppVariable)!;
        // Under test-results: CI keeps the guest's console and every step's output.
        Output = Path.Combine(RepositoryPaths.Root, "test-results", "lab-binding");
        if (Directory.Exists(Output))
        {
            Directory.Delete(Output, recursive: true);
        }

        Directory.CreateDirectory(Output);
        File.WriteAllText(Path.Combine(Output, "lab-script.sh"), Script(Path.GetFullPath(app), LabTools));
        var start = new ProcessStartInfo(Path.Combine(RepositoryPaths.Root, "tests/lab/run.sh"), ["script", Output])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // About eleven starts of the CLI under TCG, 18-40 s each: near run.sh's default 300 s when the libvirtd
        // tests run their guests beside it on two cores. A hang still fails, at 540 s.
        start.Environment["LAB_TIMEOUT"] = "540";
        var run = Process.Start(start)!;
        var log = run.StandardError.ReadToEndAsync();
        _ = run.StandardOutput.ReadToEndAsync();
        if (!run.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            run.Kill(entireProcessTree: true);
        }

        RunLog = log.Result;
        Succeeded = run.HasExited && run.ExitCode == 0;
    }

    public string Output { get; }

    public string RunLog { get; }

    public bool Succeeded { get; }

    /// <summary>The exit code of a step's command.</summary>
    public int ExitCode(string step) => int.Parse(Read($"{step}.rc").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    public JsonElement Json(string step) => JsonDocument.Parse(Read($"{step}.json")).RootElement;

    /// <summary>Each watched device's driver after a step, as sysfs showed it ("none" for no driver).</summary>
    public IReadOnlyDictionary<string, string> Drivers(string step)
        => Read($"{step}.drivers").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .ToDictionary(f => f[0], f => f.Length > 1 && f[1].Length > 0 ? f[1] : "none");

    public IReadOnlyList<string> VfioNodes(string step) => Read($"{step}.vfio").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public string Viability(string step) => Read($"{step}.viable").Trim();

    public string Read(string file)
    {
        var path = Path.Combine(Output, file);
        Assert.True(File.Exists(path), $"The lab did not write {file}. Console: {Path.Combine(Output, "console.log")}\n{RunLog}");
        return File.ReadAllText(path);
    }

    /// <summary>The fault-injection tool (tests/Passthru.LabTools), built beside this test project in the same configuration.</summary>
    private static string LabTools => Path.Combine(AppContext.BaseDirectory.Replace("Passthru.Core.Tests", "Passthru.LabTools", StringComparison.Ordinal), "Passthru.LabTools");

    private static string Script(string app, string labTools) => $$"""
        # Written by LabBindingRun: runs in the guest (busybox sh), with guestlib.sh loaded.
        lab_host_chroot
        APP={{app}}
        LABTOOLS={{labTools}}
        snap() {
            for d in {{string.Join(" ", Watched)}}; do
                l=$(readlink /sys/bus/pci/devices/$d/driver); echo "$d ${l##*/}"
            done > /out/$1.drivers
            ls /dev/vfio > /out/$1.vfio
        }
        run() {
            step=$1; shift
            echo "$step start $(cut -d' ' -f1 /proc/uptime)" >> /out/timing
            chroot /host "$APP" "$@" --Passthru:Database /tmp/passthru.db > /out/$step.json 2> /out/$step.err
            echo $? > /out/$step.rc
            snap $step
        }

        run 01-detach-solo detach 0000:00:1b.0 --expect 8086:293e
        run 02-reattach-solo reattach 0000:00:1b.0
        run 03-detach-one-of-group detach 0000:04:00.6
        vfiochk status /dev/vfio/12 > /out/03-detach-one-of-group.viable 2>&1
        run 04-detach-group detach --group 12 --force
        vfiochk status /dev/vfio/12 > /out/04-detach-group.viable 2>&1

        # A guest's qemu holds the group: the host drivers may not take the devices back.
        vfiochk hold /dev/vfio/12 > /out/05-holder.log 2>&1 &
        holder=$!
        for i in $(seq 1 60); do grep -q holding /out/05-holder.log 2>/dev/null && break; sleep 0.5; done
        run 05-reattach-while-held reattach --group 12
        kill $holder; wait $holder 2>/dev/null; sleep 1
        run 06-reattach-group reattach --group 12

        run 07-detach-bridge detach 0000:02:00.0 --force

        # Killed between two steps: the next start must find the operation and say what it found.
        # (--force: the guest's e1000 at 03:02.0 carries an IPv6 default route, which the rules protect.)
        chroot /host "$LABTOOLS" detach-and-pause 11 /tmp/passthru.db /tmp/paused > /out/08-killed.json 2> /out/08-killed.err &
        victim=$!
        for i in $(seq 1 120); do [ -f /host/tmp/paused ] && break; sleep 0.5; done
        kill -9 $victim; wait $victim 2>/dev/null
        snap 08-killed
        run 09-history history
        run 10-reattach-after-kill reattach --group 11
        run 11-history history
        """;
}
