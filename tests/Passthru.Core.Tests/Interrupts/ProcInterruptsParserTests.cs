using Passthru.Core.Interrupts;
using Passthru.Core.Pci;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Interrupts;

public class ProcInterruptsParserTests
{
    public static TheoryDataRows Trees => CapturedTrees.All;

    private static InterruptTable Captured(string tree) => ProcInterruptsParser.Parse(File.ReadAllText(Path.Combine(CapturedTrees.Path(tree), "proc/interrupts")));

    [Theory]
    [MemberData(nameof(Trees))]
    public void Parse_CapturedX86_ReadsEveryLine(string tree)
    {
        var table = Captured(tree);

        Assert.Equal(["CPU0", "CPU1"], table.Cpus);
        Assert.Equal(0, table.SkippedLines);
        Assert.Contains(table.Lines, l => l.Label == "LOC" && l.Actions == "Local timer interrupts" && l.Counts.Length == 2 && l.Counts.All(c => c > 0));
        var err = table.Lines.Single(l => l.Label == "ERR");
        Assert.Equal([0UL], err.Counts); // one total, no per-CPU columns
        Assert.Null(err.CountAt(1));
        Assert.All(table.Lines.Where(l => l.Irq is not null), l => Assert.NotNull(l.Chip));
    }

    [Fact]
    public void Parse_CapturedMsiRow_SplitsChipHwirqTriggerAndActions()
    {
        var table = Captured("intel-initial");

        var pme = table.Lines.First(l => l.Actions == "PCIe PME, aerdrv");
        Assert.Equal(("IR-PCI-MSI", "edge"), (pme.Chip, pme.Trigger));
        var timer = table.Lines.Single(l => l.Irq == 0);
        Assert.Equal(("IR-IO-APIC", "2", "edge", "timer"), (timer.Chip, timer.HardwareIrq, timer.Trigger, timer.Actions));
        var acpi = table.Lines.Single(l => l.Actions == "acpi");
        Assert.Equal("fasteoi", acpi.Trigger);
    }

    [Fact]
    public void Parse_SyntheticArmGicV3AndItsMsi_WithOfflineCpuGap()
    {
        // SYNTHETIC: an arm64 host's layout (GICv3 and ITS-MSI rows, CPU1 offline); no ARM kernel runs here.
        const string text = """
                       CPU0       CPU2       CPU3
              11:      12345       6789       1011     GICv3  27 Level     arch_timer
              14:          0          0          0     GICv3  37 Level     ttyAMA0
              52:         99          0          0   ITS-MSI 524288 Edge      nvme0q0, nvme0q1
             IPI0:       100        200        300       Rescheduling interrupts
             Err:          0
            """;

        var table = ProcInterruptsParser.Parse(text);

        Assert.Equal(["CPU0", "CPU2", "CPU3"], table.Cpus);
        var timer = table.Lines.Single(l => l.Irq == 11);
        Assert.Equal(("GICv3", "27", "Level", "arch_timer"), (timer.Chip, timer.HardwareIrq, timer.Trigger, timer.Actions));
        Assert.Equal(12345UL + 6789 + 1011, timer.Total);
        Assert.Equal("nvme0q0, nvme0q1", table.Lines.Single(l => l.Irq == 52).Actions);
        Assert.Equal("Rescheduling interrupts", table.Lines.Single(l => l.Label == "IPI0").Actions);
    }

    [Fact]
    public void Parse_OddLines_AreSkippedAndCounted()
    {
        const string text = "           CPU0       CPU1\n  0:  5  6  IO-APIC 2-edge timer\ngarbage without colon\n 7: not numbers here\n\n";
        var table = ProcInterruptsParser.Parse(text);
        Assert.Single(table.Lines);
        Assert.Equal(2, table.SkippedLines);
    }

    [Fact]
    public void Parse_ReadWithoutHeaderBetweenTwoReads_KeepsTheColumns()
    {
        // Found by fuzzing: after a read with no header (an empty read), the next read with the header
        // seen before got the empty read's columns (none), so every row was skipped, read after read.
        var parser = new ProcInterruptsParser();
        var text = "  CPU0\n  0:  1  IO-APIC  2-edge  timer\n"u8.ToArray();
        _ = parser.Parse(text);
        _ = parser.Parse(""u8.ToArray());

        var table = parser.Parse(text.ToArray());

        Assert.Equal(["CPU0"], table.Cpus);
        Assert.Equal("timer", table.Lines.Single().Actions);
    }

    [Fact]
    public void Rates_Counter32Wrap_StaysCorrect()
    {
        Assert.Equal(11UL + 4, InterruptRates.Delta([4294967290UL, 10UL], [5UL, 14UL]));
        Assert.Equal(7.5, InterruptRates.PerSecond(InterruptRates.Delta([100UL], [115UL]), TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void Map_CapturedTree_FindsTheDeviceOfEachMsiRow()
    {
        var root = CapturedTrees.Path("intel-initial");
        var table = Captured("intel-initial");
        var host = TreeScan.Scan(root);
        var owners = host.Devices.Select(d =>
        {
            var dir = Path.Combine(root, d.SysfsPath);
            var msi = Directory.Exists(Path.Combine(dir, "msi_irqs"))
                ? Directory.GetFileSystemEntries(Path.Combine(dir, "msi_irqs")).Select(f => int.Parse(Path.GetFileName(f), System.Globalization.CultureInfo.InvariantCulture)).ToArray()
                : [];
            return new InterruptOwner(d.Address, int.Parse(File.ReadAllText(Path.Combine(dir, "irq")).Trim(), System.Globalization.CultureInfo.InvariantCulture), msi,
                d.HostInterfaces.Select(i => i.Name).Append(d.Driver ?? "").Where(n => n.Length > 0).ToArray());
        }).ToArray();

        var map = InterruptDeviceMapper.Map(table, owners);

        var card0 = table.Lines.Single(l => l.Actions == "snd_hda_intel:card0");
        Assert.Equal(PciAddress.Parse("0000:00:1b.0"), map[card0.Label].Address);
        Assert.Equal(InterruptSource.MsiIrqsDirectory, map[card0.Label].Source);

        // Without msi_irqs, x86's hardware IRQ still names the requester (442368 = 00:1b.0, vector 0).
        var decoded = InterruptDeviceMapper.Map(table, owners.Select(o => o with { MsiIrqs = [] }).ToArray());
        Assert.Equal((PciAddress.Parse("0000:00:1b.0"), InterruptSource.MsiHardwareIrq), (decoded[card0.Label].Address, decoded[card0.Label].Source));
        Assert.All(table.Lines.Where(l => l.Chip == "IR-PCI-MSI"), l => Assert.Equal(map[l.Label].Address, decoded[l.Label].Address));
    }

    [Fact]
    public void Map_VfioAndPerDeviceChipRows_NameTheirDevice()
    {
        // SYNTHETIC rows in the shapes the lab showed while a guest used 00:1b.0 (lab.md), and a 6.2+ per-device MSI-X domain.
        const string text = """
                       CPU0       CPU1
              49:          3          0  IR-IO-APIC  16-fasteoi   vfio-intx(0000:00:1b.0)
              50:         57          0  IR-PCI-MSI 442368-edge      vfio-msi[0](0000:00:1b.0)
              51:          9          1  IR-PCI-MSIX-0000:01:00.0    0-edge      enp1s0-rx-0
            """;
        var owners = new[] { new InterruptOwner(PciAddress.Parse("0000:00:1b.0"), 16, [], ["vfio-pci"]) };

        var map = InterruptDeviceMapper.Map(ProcInterruptsParser.Parse(text), owners);

        Assert.Equal(("intx", InterruptSource.Vfio), (map["49"].VfioKind, map["49"].Source));
        Assert.Equal(("msi", "0000:00:1b.0"), (map["50"].VfioKind, map["50"].Address.ToString()));
        Assert.Equal(("0000:01:00.0", InterruptSource.ChipName), (map["51"].Address.ToString(), map["51"].Source));
    }

    [Fact]
    public void Parse_ThisMachinesProcInterrupts_ReadsEveryLine()
    {
        // The kernel this test runs on: a different version and layout (per-device PCI-MSIX chips) from the lab's.
        var table = ProcInterruptsParser.Parse(File.ReadAllText("/proc/interrupts"));

        Assert.Equal(0, table.SkippedLines);
        Assert.Equal(File.ReadAllLines("/proc/interrupts").Count(l => l.Trim().Length > 0) - 1, table.Lines.Count);
        Assert.Equal(Environment.ProcessorCount, table.Cpus.Count);
        Assert.Contains(table.Lines, l => l.Label == "LOC" && l.Counts.Length == table.Cpus.Count);
        Assert.All(table.Lines.Where(l => l.Irq is not null), l => Assert.False(string.IsNullOrEmpty(l.Chip)));
    }

    [Fact]
    public void Parse_Synthetic256Cpus1000Rows_ReadsEveryCountAndNamedRow()
    {
        var table = ProcInterruptsParser.Parse(SyntheticInterrupts.Text(cpus: 256, numberedRows: 1000, tick: 3));

        Assert.Equal((256, 0), (table.Cpus.Count, table.SkippedLines));
        Assert.Equal(1000, table.Lines.Count(l => l.Irq is not null));
        var row = table.Lines.Single(l => l.Irq == 24 + 10);
        Assert.Equal((ulong)((10 * 7919) + (255 * 104729)) % 100000 + (3UL * 256), row.Counts[255]);
        Assert.Equal(("IR-PCI-MSI", "edge", "nvme0q10, extra handler 10"), (row.Chip, row.Trigger, row.Actions));
        Assert.Equal(row.Counts.Aggregate(0UL, (a, b) => a + b), row.Total);
        Assert.Equal([3UL], table.Lines.Single(l => l.Label == "MIS").Counts);
    }

    [Fact]
    public void Parse_SameParserTwice_ReusesUnchangedRowsAndRebuildsChangedOnes()
    {
        var parser = new ProcInterruptsParser();
        var first = parser.Parse(System.Text.Encoding.ASCII.GetBytes(SyntheticInterrupts.Text(cpus: 4, numberedRows: 10, tick: 0)));
        var second = parser.Parse(System.Text.Encoding.ASCII.GetBytes(SyntheticInterrupts.Text(cpus: 4, numberedRows: 10, tick: 1)));

        var idle = second.Lines.Single(l => l.Irq == 25);  // odd rows do not count in the synthetic text
        var busy = second.Lines.Single(l => l.Irq == 24);
        Assert.Same(first.Lines.Single(l => l.Irq == 25), idle);
        Assert.NotSame(first.Lines.Single(l => l.Irq == 24), busy);
        Assert.Same(first.Lines.Single(l => l.Irq == 24).Actions, busy.Actions);
        Assert.Equal(first.Lines.Single(l => l.Irq == 24).Total + 1 + 2 + 3 + 4, busy.Total);
        Assert.Same(first.Cpus, second.Cpus);
    }

    [Fact]
    public void Parse_RowWithNewHandler_IsParsedAfresh()
    {
        var parser = new ProcInterruptsParser();
        _ = parser.Parse("  CPU0\n 50:  7  IR-PCI-MSI 442368-edge  snd_hda_intel:card0\n"u8.ToArray());
        var after = parser.Parse("  CPU0\n 50:  7  IR-PCI-MSI 442368-edge  vfio-msi[0](0000:00:1b.0)\n"u8.ToArray());

        Assert.Equal("vfio-msi[0](0000:00:1b.0)", after.Lines.Single().Actions);
    }

    [Theory]
    [InlineData("  5: 4294967295          0          7   IO-APIC   5-edge  x", new ulong[] { 4294967295, 0, 7 }, "IO-APIC")]   // %10u columns at their widest
    [InlineData("  5:          1 12345678901          7   IO-APIC   5-edge  x", new ulong[] { 1, 12345678901, 7 }, "IO-APIC")] // a wider count: read by the plain loop
    [InlineData("  5:        1 2          7   IO-APIC   5-edge  x", new ulong[] { 1, 2, 7 }, "IO-APIC")]                    // not in columns
    [InlineData("  5:       12x4          7   IO-APIC   5-edge  x", new ulong[0], null)]                                    // a broken count ends the row
    [InlineData("NMI:          3   Non-maskable interrupts", new ulong[] { 3 }, null)]
    public void Parse_CountColumns_ReadExactlyWhatIsPrinted(string row, ulong[] counts, string? chip)
    {
        var table = ProcInterruptsParser.Parse("           CPU0       CPU1       CPU2\n" + row + "\n");

        if (counts.Length == 0)
        {
            Assert.Equal((0, 1), (table.Lines.Count, table.SkippedLines));
            return;
        }

        var line = table.Lines.Single();
        Assert.Equal(counts, line.Counts);
        Assert.Equal(chip, line.Chip);
    }
}
