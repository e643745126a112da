using System.Globalization;
using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using Passthru.Core.Auth;

namespace Passthru.Benchmarks;

/// <summary>
/// Finding a local connection's owner on a busy host: /proc/net/tcp with 10 000 established sockets (SYNTHETIC:
/// the captured table's client line, repeated with other ports), parsed and searched once per new TCP
/// connection to the dashboard.
/// </summary>
[MemoryDiagnoser]
public class LocalPeerBenchmarks
{
    private string _table = null!;

    [GlobalSetup]
    public void Setup()
    {
        var text = new StringBuilder("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
        for (var i = 0; i < 10_000; i++)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{i,4}: 0100007F:{10_000 + i:X4} 0100007F:14A0 01 00000000:00000000 02:000016AC 00000000  1002        0 {1_000_000 + i} 2 00000000f3b49d5d 20 0 0 11 -1\n");
        }

        _table = text.ToString();
    }

    [Benchmark]
    public uint? FindTheLastClient()
        => LoopbackPeerIdentifier.ClientSocket(_table, "", IPEndPoint.Parse("127.0.0.1:19999"), IPEndPoint.Parse("127.0.0.1:5280"))?.Uid;
}
