using System.Text;
using Passthru.Core.Interrupts;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Interrupts;

/// <summary>
/// /proc/interrupts from any kernel, and a sampler that parses it every second with one parser that
/// remembers the previous read: the parser must skip what it cannot read, never throw, and give the
/// same table whether or not it remembered anything.
/// </summary>
public class ProcInterruptsParserFuzzTests
{
    [Fact]
    public async Task Parse_MutatedCapturedFiles_NeverThrowsAndEveryRowFitsTheHeader()
    {
        await Fuzz.RunAsync(seed: 4, iterations: 1500, MutatedCapture, input =>
        {
            var table = new ProcInterruptsParser().Parse(input);

            var lines = Encoding.UTF8.GetString(input).Split('\n').Count(l => l.Trim(' ', '\t', '\r').Length > 0);
            Assert.InRange(table.Lines.Count + table.SkippedLines, 0, lines);
            Assert.All(table.Lines, row =>
            {
                Assert.InRange(row.Counts.Length, 1, table.Cpus.Count);
                Assert.Equal(row.Counts.Aggregate(0UL, (sum, count) => unchecked(sum + count)), row.Total);
                Assert.False(string.IsNullOrWhiteSpace(row.Label));
            });
        });
    }

    [Fact]
    public async Task Parse_SuccessiveMutatedReadsWithOneParser_EqualFreshParses()
    {
        // A sampler's reads: each a small change of the one before (counts rise, a handler changes, a row
        // comes or goes), now and then another file altogether. The remembered rows are a shortcut only.
        await Fuzz.RunAsync(seed: 5, iterations: 100, random =>
        {
            var reads = new List<byte[]> { MutatedCapture(random) };
            for (var i = 0; i < 6; i++)
            {
                reads.Add(random.Next(6) == 0 ? MutatedCapture(random) : Mutations.Mutate(reads[^1], random, maxMutations: 2));
            }

            return reads;
        }, reads =>
        {
            var parser = new ProcInterruptsParser();
            foreach (var read in reads)
            {
                AssertSameTable(new ProcInterruptsParser().Parse(read), parser.Parse(read));
            }
        });
    }

    [Fact]
    public async Task Parse_RandomBytesOfTheFormatsAlphabet_NeverThrows()
    {
        await Fuzz.RunAsync(seed: 6, iterations: 3000, random => Mutations.RandomBytes(random, 600, "CPU0123456789 :-\n\t\rIRabcedge,()[]"u8), input =>
        {
            var parser = new ProcInterruptsParser();
            _ = parser.Parse(input);
            _ = parser.Parse(input); // the second read of the same bytes takes the remembered path
        });
    }

    [Fact]
    public void Parse_LargeMutatedFile_AllocatesInProportionToItsSize()
    {
        var random = new Random(8);
        var input = Mutations.Large(FuzzSeeds.ProcInterrupts[0], random, 4 * 1024 * 1024);

        var allocated = Fuzz.AllocatedBy(() => new ProcInterruptsParser().Parse(input));

        // Rows keep their tail as a string and the header's columns: at most a few bytes per input byte.
        Assert.InRange(allocated, 0, 8L * input.Length);
    }

    private static byte[] MutatedCapture(Random random)
    {
        var seeds = FuzzSeeds.ProcInterrupts;
        return Mutations.Mutate(seeds[random.Next(seeds.Count)], random);
    }

    private static void AssertSameTable(InterruptTable expected, InterruptTable actual)
    {
        Assert.Equal(expected.Cpus, actual.Cpus);
        Assert.Equal(expected.SkippedLines, actual.SkippedLines);
        Assert.Equal(expected.Lines.Select(Describe), actual.Lines.Select(Describe));
    }

    private static string Describe(InterruptLine row)
        => $"{row.Label}|{row.Irq}|{string.Join(',', row.Counts)}|{row.Total}|{row.Chip}|{row.HardwareIrq}|{row.Trigger}|{row.Actions}|{row.Tail}";
}
