using Passthru.Core.Pci;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Pci;

/// <summary>An address from a request becomes part of a sysfs path: only exactly <c>DDDD:BB:DD.F</c> (or <c>BB:DD.F</c>) in ASCII hex passes.</summary>
public class PciAddressFuzzTests
{
    private static readonly string[] RealAddresses = ["0000:04:00.6", "0000:00:1b.0", "04:00.6", "0001:ff:1f.7"];

    [Fact]
    public async Task TryParse_MutatedAndRandomText_AcceptsOnlyAsciiHexAddressesThatRoundTrip()
    {
        await Fuzz.RunAsync(seed: 21, iterations: 20000, random => random.Next(3) switch
        {
            0 => Mutations.RandomText(random, 14, "0123456789abcdefABCDEF:.٠١٢٣٤٥٦٧٨٩０１２３ａｂ/\\\0 -+x"),
            1 => Mutations.Mutate(RealAddresses[random.Next(RealAddresses.Length)], random, maxMutations: 2),
            _ => RandomAddress(random).ToString(),
        }, text =>
        {
            if (!PciAddress.TryParse(text, out var address, out var error))
            {
                // The message is shown in pages and logs: no control characters from the request, and short.
                Assert.DoesNotContain(error, char.IsControl);
                Assert.InRange(error.Length, 1, 300);
                return;
            }

            Assert.All(text, c => Assert.True(c is ':' or '.' || char.IsAsciiHexDigit(c), $"'{text}' was accepted"));
            Assert.Equal(text.Length == 7 ? "0000:" + text.ToLowerInvariant() : text.ToLowerInvariant(), address.ToString());
            Assert.Equal(address, PciAddress.Parse(address.ToString()));
        });
    }

    [Theory]
    [InlineData("0000:0٤:00.6")]   // ARABIC-INDIC DIGIT FOUR: a digit to char.IsDigit, not to sysfs
    [InlineData("0000:０4:00.6")]   // FULLWIDTH DIGIT ZERO
    [InlineData("0000:04:00.６")]
    [InlineData("０４:００.６")]
    [InlineData("0000:04:00.6\0")]
    [InlineData("0000:04:00.6/../../../etc")]
    [InlineData("../../../etc/pas")]
    public void TryParse_NonAsciiDigitsAndPathTricks_AreRefused(string text)
        => Assert.False(PciAddress.TryParse(text, out _));

    private static PciAddress RandomAddress(Random random)
        => new((ushort)random.Next(0x10000), (byte)random.Next(0x100), (byte)random.Next(PciAddress.MaxDevice + 1), (byte)random.Next(PciAddress.MaxFunction + 1));
}
