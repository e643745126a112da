using System.Text;
using Passthru.Core.Checks;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Checks;

/// <summary>The kernel command line, /etc/os-release and /proc/cpuinfo of any host (a captured tree may hold anything): read, never thrown on.</summary>
public class HostFactsFuzzTests
{
    [Fact]
    public async Task KernelCommandLine_MutatedCapturedLines_NeverThrowsAndHasAtMostOneParameterPerToken()
    {
        var seeds = FuzzSeeds.FromTrees("proc/cmdline").Append(Encoding.UTF8.GetBytes("quiet foo=\"a b\" vfio-pci.ids=10de:1b80,10de:10f0 intel_iommu=on iommu=pt pcie_acs_override=downstream,multifunction")).ToArray();
        await Fuzz.RunAsync(seed: 41, iterations: 1500, random => Encoding.UTF8.GetString(Mutations.Mutate(seeds[random.Next(seeds.Length)], random)), text =>
        {
            var commandLine = new KernelCommandLine(text);

            Assert.InRange(commandLine.Parameters.Count, 0, text.Split((char[])null!, StringSplitOptions.RemoveEmptyEntries).Length);
            _ = (commandLine.IntelIommu, commandLine.AmdIommu, commandLine.Iommu, commandLine.IommuPassthrough, commandLine.AcsOverride, commandLine.VfioPciIds);
            _ = HostChecks.Evaluate(Facts(commandLine, OsRelease.Unknown));
        });
    }

    [Fact]
    public async Task OsRelease_MutatedCapturedFiles_NeverThrowsAndAlwaysNamesTheDistribution()
    {
        var seeds = FuzzSeeds.FromTrees("usr/lib/os-release");
        await Fuzz.RunAsync(seed: 42, iterations: 5000, random => Encoding.UTF8.GetString(Mutations.Mutate(seeds[random.Next(seeds.Count)], random)), text =>
        {
            var os = OsRelease.Parse(text);

            Assert.NotNull(os.PrettyName);
            Assert.DoesNotContain('\n', os.Id);
            _ = HostChecks.Evaluate(Facts(KernelCommandLine.Unknown, os));
        });
    }

    [Fact]
    public async Task CpuInfo_MutatedCapturedFiles_NeverThrow()
    {
        var seeds = FuzzSeeds.FromTrees("proc/cpuinfo");
        await Fuzz.RunAsync(seed: 43, iterations: 1000, random => Encoding.UTF8.GetString(Mutations.Mutate(seeds[random.Next(seeds.Count)], random)),
            text => _ = HostFacts.ParseCpuVendor(text));
    }

    [Fact]
    public void KernelCommandLine_LargeMutatedLine_AllocatesInProportionToItsLength()
    {
        var text = Encoding.UTF8.GetString(Mutations.Large(FuzzSeeds.FromTrees("proc/cmdline")[0], new Random(44), 1024 * 1024));

        var allocated = Fuzz.AllocatedBy(() => _ = new KernelCommandLine(text).Parameters.Count);

        // Each token once as a string, its name and value once more, and the dictionary.
        Assert.InRange(allocated, 0, 16L * text.Length);
    }

    private static HostFacts Facts(KernelCommandLine commandLine, OsRelease os) => new()
    {
        CommandLine = commandLine,
        CpuVendor = CpuVendor.Intel,
        Os = os,
        IsProxmox = false,
        IommuUnits = ["dmar0"],
        IommuGroupCount = 10,
        InterruptRemapping = true,
        LoadedVfioModules = ["vfio"],
        SelinuxEnforcing = null,
    };
}
