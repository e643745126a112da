using BenchmarkDotNet.Attributes;
using Passthru.Core.Host;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;
using Passthru.TestSupport;

namespace Passthru.Benchmarks;

/// <summary>
/// A warm full scan (pci.ids parsed, devices known from an earlier scan: the dashboard's steady state),
/// a cold one (a new scanner: every attribute read), and the one-time pci.ids parse.
/// </summary>
[MemoryDiagnoser]
public class ScanBenchmarks
{
    private PciIds _ids = null!;
    private string _capturedRoot = null!;
    private HostScanner _captured = null!;
    private HostScanner _synthetic = null!;
    private SyntheticTree _syntheticTree = null!;

    [GlobalSetup]
    public void Setup()
    {
        var ids = _ids = PciIds.Load(PciIdsLocator.WellKnownPaths.Select(p => "/" + p).First(File.Exists));
        _capturedRoot = BenchmarkTrees.LargestCaptured();
        _captured = new HostScanner(new HostRoot(_capturedRoot), ids, TimeProvider.System);
        _syntheticTree = BenchmarkTrees.Synthetic256();
        _synthetic = new HostScanner(new HostRoot(_syntheticTree.Root), ids, TimeProvider.System);
    }

    [GlobalCleanup]
    public void Cleanup() => _syntheticTree.Dispose();

    [Benchmark]
    public HostSnapshot FullScan_LargestCapturedTree() => _captured.Scan();

    [Benchmark]
    public HostSnapshot ColdScan_LargestCapturedTree() => new HostScanner(new HostRoot(_capturedRoot), _ids, TimeProvider.System).Scan();

    [Benchmark]
    public HostSnapshot FullScan_Synthetic256Functions() => _synthetic.Scan();

    [Benchmark]
    public PciIds ParsePciIds() => PciIds.Load("/usr/share/misc/pci.ids");
}
