using Passthru.Core.Pci;
using Passthru.TestSupport;

namespace Passthru.Benchmarks;

/// <summary>The trees the benchmarks scan: the largest captured real-kernel tree, and a SYNTHETIC one of 256 functions.</summary>
internal static class BenchmarkTrees
{
    public static string LargestCaptured()
        => CapturedTrees.Names.Select(CapturedTrees.Path)
            .OrderByDescending(path => Directory.GetDirectories(Path.Combine(path, "sys/bus/pci/devices")).Length + Directory.GetFiles(Path.Combine(path, "sys/bus/pci/devices")).Length)
            .First();

    /// <summary>256 functions: 32 slots of 8-function devices on 8 root buses, half of them bound, in groups of 8.</summary>
    public static SyntheticTree Synthetic256()
    {
        var tree = new SyntheticTree();
        var group = 0;
        for (var bus = 0; bus < 8; bus++)
        {
            for (var slot = 0; slot < 4; slot++, group++)
            {
                for (var function = 0; function < 8; function++)
                {
                    var address = new PciAddress(0, (byte)bus, (byte)slot, (byte)function);
                    tree.AddDevice($"pci0000:{bus:x2}/{address}", 0x8086, (ushort)(0x1000 + function), 0x020000,
                        driver: function % 2 == 0 ? "e1000e" : null, group: group,
                        config: ConfigSpace.Pcie(0x8086, (ushort)(0x1000 + function), PcieDeviceType.Endpoint, multifunction: true));
                }
            }
        }

        tree.WithFile("proc/cmdline", "intel_iommu=on iommu=pt\n").WithFile("proc/cpuinfo", "vendor_id\t: GenuineIntel\n");
        return tree;
    }
}
