using System.Globalization;
using System.Text;
using Passthru.Core.Host;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Host;

/// <summary>Attribute text as sysfs holds it (<c>0x8086\n</c>, <c>-1\n</c>, <c>(null)\n</c>), damaged: read as absent with a short warning, never thrown on.</summary>
public sealed class SysfsDirectoryFuzzTests : IDisposable
{
    private readonly string _directory = Directory.CreateDirectory(Scratch.NewPath("passthru-attributes")).FullName;

    [Fact]
    public async Task Read_MutatedRealAttributes_AnswersOrWarnsOnceWithAShortPrintableWarning()
    {
        var seeds = FuzzSeeds.PciAttributes;
        var path = Path.Combine(_directory, "attribute");
        await Fuzz.RunAsync(seed: 71, iterations: 3000, random => Mutations.Mutate(seeds[random.Next(seeds.Count)].Content, random), content =>
        {
            File.WriteAllBytes(path, content);
            var warnings = new List<string>();
            using var directory = new SysfsDirectory(_directory, warnings);

            var text = directory.ReadText("attribute");
            var hex = directory.ReadHex("attribute", max: ushort.MaxValue);
            var number = directory.ReadInt("attribute");

            Assert.NotNull(text);
            Assert.Equal((hex is null ? 1 : 0) + (number is null ? 1 : 0), warnings.Count); // one warning for each read that found no value
            Assert.True(hex is null || hex <= ushort.MaxValue);
            Assert.All(warnings, w => Assert.True(w.Length < 200 && !w.Any(char.IsControl), w));
        });
    }

    [Theory]
    [InlineData("0x18086\n", "vendor: '0x18086' is larger than 0xffff")] // a cast once read this as 0x8086 (found by fuzzing, seed 3)
    [InlineData("0x\n", "vendor: '0x' is not a hex number")]
    [InlineData("0x80\n86\n", "vendor: '0x80?86' is not a hex number")]
    public void ReadHex_DamagedId_IsAbsentWithAWarning(string content, string warning)
    {
        File.WriteAllText(Path.Combine(_directory, "vendor"), content);
        var warnings = new List<string>();
        using var directory = new SysfsDirectory(_directory, warnings);

        Assert.Null(directory.ReadHex("vendor", max: ushort.MaxValue));
        Assert.Equal([warning], warnings);
    }

    [Fact]
    public void ReadHex_LongGarbage_WarnsWithTheStartOnly()
    {
        File.WriteAllText(Path.Combine(_directory, "class"), new string('z', 4000));
        var warnings = new List<string>();
        using var directory = new SysfsDirectory(_directory, warnings);

        Assert.Null(directory.ReadHex("class"));
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"class: '{new string('z', 64)}…' is not a hex number"), warnings.Single());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
