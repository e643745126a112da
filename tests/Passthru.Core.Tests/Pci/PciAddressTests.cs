using Passthru.Core.Pci;

namespace Passthru.Core.Tests.Pci;

public class PciAddressTests
{
    [Theory]
    [InlineData("0000:04:00.6", 0x0000, 0x04, 0x00, 6)]
    [InlineData("04:00.6", 0x0000, 0x04, 0x00, 6)]
    [InlineData("10de:ff:1f.7", 0x10de, 0xff, 0x1f, 7)]
    [InlineData("ABCD:0A:1B.3", 0xabcd, 0x0a, 0x1b, 3)]
    public void TryParse_ValidAddress_ReturnsParts(string text, int domain, int bus, int device, int function)
    {
        Assert.True(PciAddress.TryParse(text, out var address));
        Assert.Equal(new PciAddress((ushort)domain, (byte)bus, (byte)device, (byte)function), address);
    }

    [Fact]
    public void ToString_ShortForm_IsCanonicalLowercaseWithDomain()
        => Assert.Equal("abcd:0a:1b.3", PciAddress.Parse("ABCD:0A:1B.3").ToString());

    [Theory]
    [InlineData("")]
    [InlineData("0000:04:00.8")]           // function > 7
    [InlineData("0000:04:20.0")]           // device > 1f
    [InlineData("0000:04:00")]
    [InlineData("0000:04:00.6/../..")]
    [InlineData("../../../etc/passwd")]
    [InlineData("/sys/bus/pci/devices/0000:04:00.6")]
    [InlineData("0000:04:00.6\0")]
    [InlineData(" 0000:04:00.6")]
    [InlineData("0000:04:00.6 ")]
    [InlineData("+000:04:00.6")]
    [InlineData("0000:04:0 .6")]
    [InlineData("0000%3A04%3A00.6")]
    [InlineData("0000:04:00.6%2F..")]
    [InlineData("00000:04:00.6")]
    [InlineData("0000-04-00.6")]
    [InlineData("gggg:04:00.6")]
    public void TryParse_Malformed_IsRefusedWithMessage(string text)
    {
        Assert.False(PciAddress.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.DoesNotContain('\0', error);
    }

    [Fact]
    public void TryParse_RandomText_NeverThrowsAndAcceptedTextRoundTrips()
    {
        // Property test: any string the parser accepts means exactly one address, printed canonically.
        var random = new Random(20261123);
        const string alphabet = "0123456789abcdefABCDEF:./%\0 gx-";
        for (var i = 0; i < 20000; i++)
        {
            var chars = new char[random.Next(0, 16)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }

            var text = new string(chars);
            if (PciAddress.TryParse(text, out var address))
            {
                var canonical = address.ToString();
                Assert.Equal(12, canonical.Length);
                Assert.EndsWith(canonical[^7..], text.ToLowerInvariant(), StringComparison.Ordinal);
                Assert.Equal(address, PciAddress.Parse(canonical));
            }
        }
    }

    [Fact]
    public void CompareTo_OrdersByDomainBusDeviceFunction()
    {
        var sorted = new[] { "0000:01:00.1", "0001:00:00.0", "0000:00:1f.3", "0000:01:00.0" }.Select(PciAddress.Parse).Order().Select(a => a.ToString());
        Assert.Equal(["0000:00:1f.3", "0000:01:00.0", "0000:01:00.1", "0001:00:00.0"], sorted);
    }
}
