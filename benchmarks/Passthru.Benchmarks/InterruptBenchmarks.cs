using System.Text;
using BenchmarkDotNet.Attributes;
using Passthru.Core.Interrupts;
using Passthru.TestSupport;

namespace Passthru.Benchmarks;

/// <summary>
/// /proc/interrupts of a 256-CPU host with 1000 numbered rows (SYNTHETIC: no such machine here), parsed
/// the way the sampler does every second: one parser, the file changing between reads. "Cold" is a
/// fresh parser (every row allocated); "steady" alternates two texts in which half the rows count.
/// </summary>
[MemoryDiagnoser]
public class InterruptBenchmarks
{
    private byte[] _even = null!;
    private byte[] _odd = null!;
    private readonly ProcInterruptsParser _parser = new();
    private int _tick;
    private string _tree = null!;
    private InterruptSampler _sampler = null!;
    private Passthru.Core.Scanning.HostSnapshot _host = null!;

    [GlobalSetup]
    public void Setup()
    {
        _even = Encoding.ASCII.GetBytes(SyntheticInterrupts.Text(cpus: 256, numberedRows: 1000, tick: 0));
        _odd = Encoding.ASCII.GetBytes(SyntheticInterrupts.Text(cpus: 256, numberedRows: 1000, tick: 1));
        _tree = CapturedTrees.Copy("intel-vfio-guest");
        _host = TreeScan.Scan(_tree);
        _sampler = new InterruptSampler(new Passthru.Core.Host.HostRoot(_tree), TimeProvider.System);
        _sampler.Sample(_host);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sampler.Dispose();
        Directory.Delete(_tree, recursive: true);
    }

    /// <summary>One sample of a real captured host (2 CPUs, 51 rows) in steady state: read, parse, map, rates.</summary>
    [Benchmark]
    public InterruptSample Sample_CapturedHost_Steady() => _sampler.Sample(_host);

    [Benchmark]
    public InterruptTable Parse_256Cpus1000Rows_Cold() => new ProcInterruptsParser().Parse(_even);

    [Benchmark]
    public InterruptTable Parse_256Cpus1000Rows_Steady() => _parser.Parse(++_tick % 2 == 0 ? _even : _odd);
}
