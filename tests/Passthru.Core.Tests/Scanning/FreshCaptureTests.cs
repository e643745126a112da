using Passthru.Core.Pci;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Scanning;

/// <summary>
/// The lab booted by the test command, on this machine, today: the kernel must still show what the
/// committed fixtures show, so the fixtures (and the harness issue 3 builds on) stay true.
/// </summary>
public class FreshCaptureTests
{
    private static IEnumerable<string> FreshNames
        => Directory.GetFiles(FreshCapture.Directory!, "*.tar.gz").Select(f => Path.GetFileName(f)[..^".tar.gz".Length]).Order(StringComparer.Ordinal);

    [LabFact]
    public void FreshCapture_SameSnapshotsAsCommitted()
    {
        // The test command runs capture.sh only; the nested run's trees (capture-nested.sh) are not in a fresh capture.
        Assert.Equal(CapturedTrees.Names.Where(n => !CapturedTrees.IsFromNestedRun(n)), FreshNames);
    }

    [LabFact]
    public void FreshCapture_ScansLikeTheCommittedFixtures()
    {
        foreach (var name in FreshNames)
        {
            var committed = TreeScan.Scan(CapturedTrees.Path(name));
            var fresh = TreeScan.Scan(FreshCapture.Path(name));

            Assert.Equal(Describe(committed.Devices), Describe(fresh.Devices));
            Assert.Equal(committed.Groups.Select(g => $"{g.Number}:{string.Join(",", g.Members)}:{g.IsViable}"),
                fresh.Groups.Select(g => $"{g.Number}:{string.Join(",", g.Members)}:{g.IsViable}"));
            Assert.Equal(committed.Checks.Select(c => $"{c.Id}={c.Status}"), fresh.Checks.Select(c => $"{c.Id}={c.Status}"));
            Assert.Empty(fresh.Warnings);
        }
    }

    private static IEnumerable<string> Describe(IEnumerable<PciDevice> devices)
        => devices.Select(d => $"{d.Address} [{d.IdPair}] {d.ClassCode:x6} {d.Driver ?? "-"} g{d.IommuGroup} " +
                               $"{string.Join(",", d.HostInterfaces.Select(i => i.Kind))} reset:{string.Join(",", d.ResetMethods)}");
}
