using Passthru.Core.Pci;
using Passthru.Core.Scanning;
using Passthru.TestSupport;
using Passthru.Web.Model;

namespace Passthru.Web.Tests.Model;

/// <summary>The groups page's filter on the captured tree: the words people use, in any case.</summary>
public sealed class DeviceFilterTests
{
    private static readonly HostSnapshot Host = TreeScan.Scan(CapturedTrees.Path("intel-initial"));

    private static string[] Find(string text) => Host.Devices.Where(new DeviceFilter(text, null).Matches).Select(d => d.Address.ToString()).ToArray();

    [Theory]
    [InlineData("sound")]
    [InlineData("AUDIO")]
    public void Matches_SoundWords_FindEveryAudioFunction(string word)
        => Assert.Equal(["0000:00:1b.0", "0000:01:00.1", "0000:03:01.0", "0000:04:00.6"], Find(word));

    [Fact]
    public void Matches_Gpu_FindsTheDisplayFunction() => Assert.Equal(["0000:04:00.0"], Find("gpu"));

    [Fact]
    public void Matches_Network_FindsEveryEthernetController() => Assert.Equal(["0000:01:00.0", "0000:03:02.0", "0000:05:00.0"], Find("network"));

    [Fact]
    public void Matches_WhatTheHostUsesThroughADevice_ByItsKindAndName()
        => Assert.Equal(["0000:00:05.0"], Find("block/vda"));

    [Fact]
    public void Matches_PartOfAnAddressOrId_IgnoringCase()
    {
        Assert.Equal(["0000:04:00.6"], Find("04:00.6"));
        Assert.Equal(Find("8086:293E"), Find("8086:293e"));
    }
}
