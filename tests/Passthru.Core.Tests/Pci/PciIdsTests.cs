using Passthru.Core.Pci;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Pci;

public class PciIdsTests
{
    /// <summary>The file lspci uses on Debian (package pciutils, installed by the test command).</summary>
    private const string SystemPciIds = TreeScan.SystemPciIds;

    private const string Sample = """
        # A comment
        8086  Intel Corporation
        	293e  82801I (ICH9 Family) HD Audio Controller
        		1af4 1100  QEMU Virtual Machine
        	10d3  82574L Gigabit Network Connection
        1022  Advanced Micro Devices, Inc. [AMD]
        	1637  Renoir HD Audio Controller
        this line is junk
        C 04  Multimedia controller
        	03  Audio device
        C 06  Bridge
        	04  PCI bridge
        		00  Normal decode
        		01  Subtractive decode
        """;

    [Fact]
    public void Parse_Sample_FindsVendorDeviceSubsystemAndClassNames()
    {
        var ids = PciIds.Parse(new StringReader(Sample));
        Assert.Equal("Intel Corporation", ids.VendorName(0x8086));
        Assert.Equal("82801I (ICH9 Family) HD Audio Controller", ids.DeviceName(0x8086, 0x293e));
        Assert.Equal("QEMU Virtual Machine", ids.SubsystemName(0x8086, 0x293e, 0x1af4, 0x1100));
        Assert.Equal("Renoir HD Audio Controller", ids.DeviceName(0x1022, 0x1637));
        Assert.Equal("Audio device", ids.ClassName(0x040300));
        Assert.Equal("Subtractive decode", ids.ProgrammingInterfaceName(0x060401));
    }

    [Fact]
    public void SubsystemName_SameIdsAsDevice_FallsBackToDeviceNameLikeLspci()
    {
        var ids = PciIds.Parse(new StringReader(Sample));
        Assert.Equal("82574L Gigabit Network Connection", ids.SubsystemName(0x8086, 0x10d3, 0x8086, 0x10d3));
        Assert.Null(ids.SubsystemName(0x8086, 0x10d3, 0x1af4, 0x0001));
    }

    [Fact]
    public void ClassName_UnknownSubclass_FallsBackToBaseClass()
    {
        var ids = PciIds.Parse(new StringReader(Sample));
        Assert.Equal("Multimedia controller", ids.ClassName(0x04ff00));
        Assert.Null(ids.ClassName(0x120000));
    }

    [Fact]
    public void Lookups_UnknownIds_AreNull()
    {
        var ids = PciIds.Parse(new StringReader(Sample));
        Assert.Null(ids.VendorName(0x1234));
        Assert.Null(ids.DeviceName(0x8086, 0xffff));
    }

    [Fact]
    public void Load_SystemFile_ParsesTensOfThousandsOfNames()
    {
        Assert.True(File.Exists(SystemPciIds), $"{SystemPciIds} is missing: install pciutils (the test command does).");
        var ids = PciIds.Load(SystemPciIds);
        Assert.True(ids.VendorCount > 2000);
        Assert.Equal("Red Hat, Inc.", ids.VendorName(0x1b36));
        Assert.Equal("82801I (ICH9 Family) HD Audio Controller", ids.DeviceName(0x8086, 0x293e));
        Assert.Equal(SystemPciIds, ids.SourcePath);
    }

    [Fact]
    public void LoadOrEmpty_MissingFile_IsEmptyNotAnError()
    {
        var ids = PciIdsLocator.LoadOrEmpty("/nonexistent/pci.ids");
        Assert.Equal(0, ids.VendorCount);
        Assert.Null(ids.VendorName(0x8086));
    }

    [Fact]
    public void Parse_MutatedRealFile_NeverThrows()
    {
        // Truncations and byte flips of the real file: a damaged pci.ids must cost names, not the dashboard.
        var text = File.ReadAllText(SystemPciIds)[..200_000];
        var random = new Random(7);
        for (var i = 0; i < 50; i++)
        {
            var chars = text.ToCharArray(0, random.Next(text.Length));
            for (var flips = 0; flips < 200 && chars.Length > 0; flips++)
            {
                chars[random.Next(chars.Length)] = "\t \n#C0af\0x"[random.Next(10)];
            }

            _ = PciIds.Parse(new StringReader(new string(chars)));
        }
    }
}
