using Bunit;
using Passthru.TestSupport;
using Passthru.Web.Components.Pages;

namespace Passthru.Web.Tests.Pages;

/// <summary>
/// A host without an IOMMU (a SYNTHETIC tree: the lab's kernel always has one; this machine's real /sys is the
/// browser tests' case): the groups page still lists the PCI devices, each not passable, with the reason.
/// </summary>
public sealed class NoIommuGroupsPageTests : PageTestContext
{
    private readonly SyntheticTree _tree;

    public NoIommuGroupsPageTests()
        : this(new SyntheticTree()
            .AddDevice("pci0000:00/0000:00:00.0", 0x8086, 0x29c0, 0x060000)
            .AddDevice("pci0000:00/0000:00:02.0", 0x1af4, 0x1042, 0x010000, "virtio-pci")
            .AddDevice("pci0000:00/0000:00:1b.0", 0x8086, 0x293e, 0x040300, "snd_hda_intel")
            .WithFile("proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\n")
            .WithFile("proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/vda1 quiet\n"))
    {
    }

    private NoIommuGroupsPageTests(SyntheticTree tree)
        : base(tree.Root) => _tree = tree;

    protected override Task BeforeDisposeAsync()
    {
        _tree.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void Render_NoIommuGroups_ListsEveryDeviceWithTheReason()
    {
        var page = Render<Groups>();
        page.WaitForState(() => page.Instance.Host is not null, Timeout);

        Assert.Contains("No IOMMU groups", page.Find("#no-groups").TextContent, StringComparison.Ordinal);
        Assert.Equal(["0000:00:00.0", "0000:00:02.0", "0000:00:1b.0"], page.FindAll("#group-none tr[data-address]").Select(r => r.GetAttribute("data-address")));
        Assert.All(page.FindAll("#group-none .verdict-badge"), badge => Assert.Equal("NotPassable", badge.GetAttribute("data-verdict")));
        Assert.Contains("3 of 3 devices", page.Find("#group-count").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll(".group-detach"));
    }
}
