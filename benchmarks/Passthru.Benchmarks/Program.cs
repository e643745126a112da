using System.Globalization;
using BenchmarkDotNet.Running;
using Passthru.Benchmarks;

// `compare [TREE] [RUNS]`: wall-time comparison with lspci and the shell loop (benchmarks/compare.sh).
// Anything else goes to BenchmarkDotNet (e.g. `--filter '*'`).
if (args.Length > 0 && args[0] == "compare")
{
    var tree = args.Length > 1 ? args[1] : BenchmarkTrees.LargestCaptured();
    var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 50;
    return LspciComparison.Run(tree, runs);
}

// `live APP [CIRCUITS] [SECONDS] [PAGE]`: the dashboard's CPU use, idle and with CIRCUITS pages open on PAGE (default interrupts; benchmarks/live-load.sh).
if (args.Length > 1 && args[0] == "live")
{
    var circuits = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 50;
    var seconds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 60;
    return await LiveLoad.RunAsync(args[1], circuits, TimeSpan.FromSeconds(seconds), args.Length > 4 ? args[4] : "interrupts");
}

// `firstpaint APP [TREE] [RUNS]`: how soon Chromium paints the groups page of the published dashboard (benchmarks/first-paint.sh).
if (args.Length > 1 && args[0] == "firstpaint")
{
    var tree = args.Length > 2 && args[2].Length > 0 ? args[2] : BenchmarkTrees.LargestCaptured();
    var runs = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 15;
    return await FirstPaint.RunAsync(args[1], tree, runs);
}

BenchmarkSwitcher.FromAssembly(typeof(ScanBenchmarks).Assembly).Run(args);
return 0;
