using Passthru.Core.Pci;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Pci;

/// <summary>Config space is read from the device itself: capability lists may loop, point outside the space or be cut short.</summary>
public class PciConfigSpaceFuzzTests
{
    [Fact]
    public async Task Parse_MutatedRealAndRandomConfigSpaces_NeverThrowsOrReadsOutsideTheBytes()
    {
        var seeds = FuzzSeeds.ConfigSpaces;
        await Fuzz.RunAsync(seed: 31, iterations: 5000, random => random.Next(4) == 0
            ? Mutations.RandomBytes(random, 5000)
            : Mutations.Mutate(seeds[random.Next(seeds.Count)], random), bytes =>
        {
            var config = PciConfigSpace.Parse(bytes);

            Assert.Equal(bytes.Length, config.Length);
            Assert.True(config.Acs is null || config.ExtendedCapabilitiesKnown);
            Assert.True(!config.ExtendedCapabilitiesKnown || (config.IsPciExpress && bytes.Length >= 4096));
        });
    }

    [Fact]
    public void Parse_CapabilityListsThatLoop_EndWithoutAnAnswer()
    {
        // SYNTHETIC: a standard list whose entry points to itself, an extended one that does the same.
        var bytes = new byte[4096];
        bytes[0x06] = 1 << 4;          // status: capability list present
        bytes[0x34] = 0x40;
        bytes[0x40] = 0x05;            // MSI, next = itself
        bytes[0x41] = 0x40;
        var config = PciConfigSpace.Parse(bytes);
        Assert.Null(config.DeviceType);

        bytes[0x40] = 0x10;            // now PCI Express: extended capabilities are read
        BitConverter.TryWriteBytes(bytes.AsSpan(0x100), 0x1000_0001u); // AER, next = 0x100 = itself
        config = PciConfigSpace.Parse(bytes);
        Assert.True(config.ExtendedCapabilitiesKnown);
        Assert.Null(config.Acs);
    }
}
