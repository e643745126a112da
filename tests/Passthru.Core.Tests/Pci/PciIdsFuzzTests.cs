using System.Text;
using Passthru.Core.Pci;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Pci;

/// <summary>pci.ids is hand-edited upstream and may be any file a distribution ships: the parser skips what it cannot read, and never throws.</summary>
public class PciIdsFuzzTests
{
    [Fact]
    public async Task Parse_MutatedSlicesOfRealPciIds_NeverThrowsAndKeepsOneVendorPerLineAtMost()
    {
        var text = FuzzSeeds.PciIds;
        await Fuzz.RunAsync(seed: 11, iterations: 300, random => Mutations.Mutate(Slice(text, random), random), input =>
        {
            var decoded = Encoding.UTF8.GetString(input);
            var ids = PciIds.Parse(new StringReader(decoded));

            Assert.InRange(ids.VendorCount, 0, decoded.Count(c => c == '\n') + 1);
            LookUpEveryIdIn(decoded, ids);
        });
    }

    [Fact]
    public async Task Parse_RandomLinesOfTheFormatsAlphabet_NeverThrows()
    {
        await Fuzz.RunAsync(seed: 12, iterations: 2000, random => Mutations.RandomText(random, 400, "C \t\t\n0123456789abcdefABCDEF#xyz  "), input =>
        {
            var ids = PciIds.Parse(new StringReader(input));
            LookUpEveryIdIn(input, ids);
        });
    }

    [Fact]
    public void Parse_LargeMutatedFile_AllocatesInProportionToItsSize()
    {
        var random = new Random(13);
        var input = Encoding.UTF8.GetString(Mutations.Large(FuzzSeeds.PciIds, random, 4 * 1024 * 1024));

        var allocated = Fuzz.AllocatedBy(() => PciIds.Parse(new StringReader(input)));

        // Each line is read once as a string (2 bytes a character), its name copied out, the dictionaries grow by
        // doubling: about 8 bytes per character of pci.ids as measured. Twice that is the bound; a quadratic step is far above it.
        Assert.InRange(allocated, 0, 16L * input.Length);
    }

    /// <summary>A window of whole lines of the file: its start, the middle of a vendor, or the class list at its end.</summary>
    private static byte[] Slice(byte[] text, Random random)
    {
        var start = random.Next(4) == 0 ? text.AsSpan().LastIndexOf("\nC 00"u8) : random.Next(text.Length);
        start = text.AsSpan(0, start).LastIndexOf((byte)'\n') + 1;
        return text.AsSpan(start, Math.Min(text.Length - start, random.Next(1, 32 * 1024))).ToArray();
    }

    /// <summary>Every lookup with IDs taken from the text's hex runs answers (null or a trimmed, non-empty name) without throwing.</summary>
    private static void LookUpEveryIdIn(string text, PciIds ids)
    {
        foreach (var token in text.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries).Take(200))
        {
            if (ushort.TryParse(token.AsSpan(0, Math.Min(4, token.Length)), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                AssertName(ids.VendorName(id));
                AssertName(ids.DeviceName(id, id));
                AssertName(ids.SubsystemName(id, id, id, id));
                AssertName(ids.ClassName(((uint)id << 8) | id));
                AssertName(ids.ProgrammingInterfaceName(((uint)id << 8) | id));
            }
        }
    }

    private static void AssertName(string? name)
    {
        if (name is not null)
        {
            Assert.NotEmpty(name);
            Assert.Equal(name.Trim(), name);
        }
    }
}
