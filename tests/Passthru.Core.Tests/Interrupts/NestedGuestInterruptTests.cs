using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Passthru.Core.Host;
using Passthru.Core.Interrupts;
using Passthru.Core.Pci;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Interrupts;

/// <summary>
/// Real captures from the nested lab run (tests/fixtures/interrupts/l1-vfio-guest): L1's kernel while
/// an L2 guest drove the sound card 00:1b.0 through vfio-pci, sampled about once a second.
/// </summary>
public class NestedGuestInterruptTests
{
    private static readonly PciAddress Sound = PciAddress.Parse("0000:00:1b.0");

    private static string Fixture(string name) => Path.Combine(RepositoryPaths.InterruptFixtures, "l1-vfio-guest", name);

    private static double Uptime(int sample)
        => double.Parse(File.ReadAllText(Fixture($"uptime.{sample}")).Split(' ')[0], CultureInfo.InvariantCulture);

    [Fact]
    public void Parse_EverySample_ReadsTheVfioMsiRow()
    {
        for (var sample = 0; sample < 8; sample++)
        {
            var table = ProcInterruptsParser.Parse(File.ReadAllText(Fixture($"interrupts.{sample}")));

            Assert.Equal(0, table.SkippedLines);
            var vfio = table.Lines.Single(l => l.Actions?.StartsWith("vfio-", StringComparison.Ordinal) == true);
            Assert.Equal(("IR-PCI-MSI", "442368", "edge", "vfio-msi[0](0000:00:1b.0)"), (vfio.Chip, vfio.HardwareIrq, vfio.Trigger, vfio.Actions));
        }
    }

    [Fact]
    public void Map_IntxAndMsiRows_NameTheCardByVfioAndAgreeWithItsMsiIrqs()
    {
        var intx = ProcInterruptsParser.Parse(File.ReadAllText(Fixture("l1-intx.interrupts")));
        var root = CapturedTrees.Path("intel-vfio-guest");
        var host = TreeScan.Scan(root);
        var owners = InterruptOwners.Read(new HostRoot(root), host);
        var tree = ProcInterruptsParser.Parse(File.ReadAllText(Path.Combine(root, "proc/interrupts")));

        var intxRow = InterruptDeviceMapper.Map(intx, owners)[intx.Lines.Single(l => l.Actions == "vfio-intx(0000:00:1b.0)").Label];
        var msiLabel = tree.Lines.Single(l => l.Actions == "vfio-msi[0](0000:00:1b.0)").Label;
        var msiRow = InterruptDeviceMapper.Map(tree, owners)[msiLabel];

        Assert.Equal((Sound, InterruptSource.Vfio, "intx"), (intxRow.Address, intxRow.Source, intxRow.VfioKind));
        Assert.Equal((Sound, InterruptSource.Vfio, "msi"), (msiRow.Address, msiRow.Source, msiRow.VfioKind));
        // The same row is the card's by its msi_irqs directory too, with the handler names taken away.
        var withoutVfioNames = tree with { Lines = tree.Lines.Select(l => l with { Actions = null }).ToArray() };
        Assert.Equal((Sound, InterruptSource.MsiIrqsDirectory), (InterruptDeviceMapper.Map(withoutVfioNames, owners)[msiLabel].Address, InterruptDeviceMapper.Map(withoutVfioNames, owners)[msiLabel].Source));
        Assert.Equal("vfio-pci", host.Find(Sound)!.Driver);
    }

    [Fact]
    public void Sampler_RealSamples_GiveTheGuestsInterruptRate()
    {
        var root = CapturedTrees.Copy("intel-vfio-guest");
        try
        {
            var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
            using var sampler = new InterruptSampler(new HostRoot(root), clock);
            var host = TreeScan.Scan(root);
            var rates = new List<double>();
            for (var sample = 0; sample < 8; sample++)
            {
                File.Copy(Fixture($"interrupts.{sample}"), Path.Combine(root, "proc/interrupts"), overwrite: true);
                if (sample > 0)
                {
                    clock.Advance(TimeSpan.FromSeconds(Uptime(sample) - Uptime(sample - 1)));
                }

                if (sampler.Sample(host).Devices.GetValueOrDefault(Sound) is { PerSecond: { } rate })
                {
                    rates.Add(rate);
                }
            }

            Assert.Equal(7, rates.Count);
            Assert.All(rates, r => Assert.InRange(r, 50, 150)); // the guest's card interrupts 70 to 105 times a second
            var first = ProcInterruptsParser.Parse(File.ReadAllText(Fixture("interrupts.0"))).Lines.Single(l => l.Label == "36").Total;
            var last = ProcInterruptsParser.Parse(File.ReadAllText(Fixture("interrupts.7"))).Lines.Single(l => l.Label == "36").Total;
            Assert.Equal((last - first) / (Uptime(7) - Uptime(0)), rates.Average(), precision: 0);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Parse_DevMachineCapture_PerDeviceMsixChipsNameTheirDevice()
    {
        // This development machine's kernel (6.18, Firecracker virtio): "PCI-MSIX-0000:00:02.0" chips, one space before long chip names.
        var table = ProcInterruptsParser.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.InterruptFixtures, "dev-machine.interrupts")));

        Assert.Equal((0, 2), (table.SkippedLines, table.Cpus.Count));
        var map = InterruptDeviceMapper.Map(table, []);
        var msix = table.Lines.Where(l => l.Chip?.StartsWith("PCI-MSIX-", StringComparison.Ordinal) == true).ToArray();
        Assert.NotEmpty(msix);
        Assert.All(msix, l => Assert.Equal((l.Chip!["PCI-MSIX-".Length..], InterruptSource.ChipName), (map[l.Label].Address.ToString(), map[l.Label].Source)));
    }
}
