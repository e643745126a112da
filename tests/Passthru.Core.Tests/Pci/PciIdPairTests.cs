using Passthru.Core.Pci;

namespace Passthru.Core.Tests.Pci;

/// <summary>What a caller says they saw at an address: eight hex digits, or a refusal that says what was expected.</summary>
public sealed class PciIdPairTests
{
    [Theory]
    [InlineData("8086:293e", "8086:293e")]
    [InlineData("8086:293E", "8086:293e")]
    [InlineData("1AF4:1041", "1af4:1041")]
    public void TryParse_IdPair_IsTheLowerCasePair(string text, string pair)
    {
        Assert.True(PciIdPair.TryParse(text, out var parsed, out _));
        Assert.Equal(pair, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("8086")]
    [InlineData("8086:293")]
    [InlineData("8086:293e ")]
    [InlineData(" 8086:293e")]
    [InlineData("8086-293e")]
    [InlineData("808g:293e")]
    [InlineData("8086:293e\n[INFO] forged")]
    [InlineData("８０８６:293e")]
    [InlineData("????:????")]
    public void TryParse_AnythingElse_IsRefusedWithAShortPrintableReason(string text)
    {
        Assert.False(PciIdPair.TryParse(text, out _, out var error));
        Assert.Contains("four hex digits, a colon, four hex digits", error, StringComparison.Ordinal);
        Assert.DoesNotContain(error, char.IsControl);
    }

    [Fact]
    public void TryParse_TwentyMegabytes_IsRefusedWithoutQuotingThem()
    {
        Assert.False(PciIdPair.TryParse(new string('8', 20_000_000), out _, out var error));
        Assert.True(error.Length < 200);
    }
}
