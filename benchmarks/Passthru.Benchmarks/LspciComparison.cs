using System.Diagnostics;
using System.Globalization;
using Passthru.Core.Host;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;

namespace Passthru.Benchmarks;

/// <summary>
/// Times, on one tree, what a user would otherwise run: the in-process warm scan, <c>lspci -nnk</c>
/// and the classic iommu-groups shell loop (lspci once per device). Wall time, median of N runs.
/// </summary>
internal static class LspciComparison
{
    private const string GroupsLoop = """
        shopt -s nullglob
        for g in "$TREE"/sys/kernel/iommu_groups/*; do
            echo "IOMMU Group ${g##*/}:"
            for d in "$g"/devices/*; do
                echo -e "\t$(lspci -A linux-sysfs -O sysfs.path="$TREE/sys/bus/pci" -O hwdb.disable=1 -nns "${d##*/}")"
            done
        done
        """;

    public static int Run(string tree, int runs)
    {
        var ids = PciIds.Load("/usr/share/misc/pci.ids");
        var scanner = new HostScanner(new HostRoot(tree), ids, TimeProvider.System);
        scanner.Scan(); // warm: file cache and JIT, as in the running dashboard

        var scan = Median(runs, () => scanner.Scan());
        var lspci = Median(runs, () => Exec("lspci", ["-A", "linux-sysfs", "-O", $"sysfs.path={tree}/sys/bus/pci", "-O", "hwdb.disable=1", "-nnk"], tree));
        var loop = Median(Math.Max(3, runs / 5), () => Exec("bash", ["-c", GroupsLoop], tree));

        var devices = scanner.Scan().Devices.Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tree: {tree} ({devices} functions), median of {runs} runs"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"in-process warm scan",-28}{scan.TotalMilliseconds,10:F2} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"lspci -nnk",-28}{lspci.TotalMilliseconds,10:F2} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"iommu-groups shell loop",-28}{loop.TotalMilliseconds,10:F2} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scan / lspci = {scan / lspci:F3} (goal: <= 0.1)"));
        return 0;
    }

    private static TimeSpan Median(int runs, Action action)
    {
        var times = new List<TimeSpan>(runs);
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    private static void Exec(string file, string[] arguments, string tree)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["TREE"] = tree;
        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
    }
}
