using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Passthru.Web.Components.Pages;

namespace Passthru.Web.Tests.Pages;

public class GroupsPageTests : PageTestContext
{
    [Fact]
    public void Render_CapturedHost_ShowsEveryGroupWithDriversAndBadges()
    {
        var page = Render<Groups>();
        page.WaitForState(() => page.Instance.Host is not null, Timeout);

        var cards = page.FindAll(".group-card");
        Assert.Equal(page.Instance.Host!.Groups.Count, cards.Count);
        var renoir = page.Find("tr[data-address='0000:04:00.6']");
        Assert.Contains("snd_hda_intel", renoir.TextContent, StringComparison.Ordinal);
        Assert.Contains("[8086:293e]", renoir.TextContent, StringComparison.Ordinal);
        Assert.Contains("blocked by group", renoir.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Filter_Audio_ShowsOnlyGroupsWithSoundCardsAndExplainsTheSharedOne()
    {
        // A link like /groups?q=Audio (what the browser test types) opens the page filtered.
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("q", "Audio"));
        var page = Render<Groups>();
        page.WaitForState(() => page.Instance.Host is not null, Timeout);

        var host = page.Instance.Host!;
        var audioGroups = host.Groups.Where(g => host.MembersOf(g).Any(d => d.Names.Class == "Audio device")).Select(g => $"group-{g.Number}").ToArray();
        Assert.Equal(audioGroups, page.FindAll(".group-card").Select(c => c.Id));
        Assert.True(audioGroups.Length < host.Groups.Count);

        var shared = page.Find($"#group-{host.Find(Core.Pci.PciAddress.Parse("0000:04:00.6"))!.IommuGroup}");
        Assert.Equal("false", shared.GetAttribute("data-viable"));
        Assert.Contains("multifunction device", shared.QuerySelector(".shared-because")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("0000:04:00.0", shared.QuerySelector(".blockers")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(["0000:04:00.6"], shared.QuerySelectorAll("tr.match").Select(r => r.GetAttribute("data-address")));
    }

    [Fact]
    public void Filter_TextTypedIntoBox_NarrowsGroups()
    {
        var page = Render<Groups>();
        page.WaitForState(() => page.Instance.Host is not null, Timeout);
        var all = page.FindAll(".group-card").Count;

        page.Find("#filter-text").Input("e1000e");

        page.WaitForAssertion(() => Assert.InRange(page.FindAll(".group-card").Count, 1, all - 1), Timeout);
        var shown = page.FindAll(".group-card");
        Assert.All(shown, card => Assert.Contains("e1000e", card.TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void Filter_WordSound_FindsEverySoundCardThoughNoneIsNamedSo()
    {
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("q", "sound"));
        var page = Render<Groups>();
        page.WaitForState(() => page.Instance.Host is not null, Timeout);

        var host = page.Instance.Host!;
        var audioGroups = host.Groups.Where(g => host.MembersOf(g).Any(d => d.Names.Class == "Audio device")).Select(g => $"group-{g.Number}").ToArray();
        Assert.NotEmpty(audioGroups);
        Assert.DoesNotContain(host.Devices, d => d.Names.Device?.Contains("sound", StringComparison.OrdinalIgnoreCase) == true);
        Assert.Equal(audioGroups, page.FindAll(".group-card").Select(c => c.Id));
    }

    [Fact]
    public void Filter_NothingMatches_SaysWhatTheFilterLooksAtAndOffersToClearIt()
    {
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("q", "no-such-thing"));
        var page = Render<Groups>();
        page.WaitForState(() => page.Instance.Host is not null, Timeout);

        page.WaitForAssertion(() => Assert.Contains("sound, gpu, network, disk, usb", page.Find("#no-match").TextContent, StringComparison.Ordinal), Timeout);
        Assert.Empty(page.FindAll(".group-card"));

        page.Find("#clear-filter").Click();

        page.WaitForAssertion(() => Assert.Equal(page.Instance.Host!.Groups.Count, page.FindAll(".group-card").Count), Timeout);
        Assert.DoesNotContain("q=", navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void Filter_TypedText_IsKeptInTheAddress()
    {
        var navigation = Services.GetRequiredService<NavigationManager>();
        var page = Render<Groups>();
        page.WaitForState(() => page.Instance.Host is not null, Timeout);

        page.Find("#filter-text").Input("e1000e");

        page.WaitForAssertion(() => Assert.EndsWith("?q=e1000e", navigation.Uri, StringComparison.Ordinal), Timeout);
    }

    [Fact]
    public void Render_ChipsetFunctions_AreNotPassableAndTheirGroupHasNoDetach()
    {
        var page = Render<Groups>();
        page.WaitForState(() => page.Instance.Host is not null, Timeout);

        foreach (var chipset in new[] { "0000:00:00.0", "0000:00:1f.0", "0000:00:1f.3" })
        {
            Assert.Equal("NotPassable", page.Find($"tr[data-address='{chipset}'] .verdict-badge").GetAttribute("data-verdict"));
        }

        var lpcGroup = page.Instance.Host!.Find(Core.Pci.PciAddress.Parse("0000:00:1f.0"))!.IommuGroup;
        var soundGroup = page.Instance.Host.Find(Core.Pci.PciAddress.Parse("0000:00:1b.0"))!.IommuGroup;
        Assert.Empty(page.FindAll($"#group-{lpcGroup} .group-detach"));
        Assert.Empty(page.FindAll($"#group-{page.Instance.Host.Find(Core.Pci.PciAddress.Parse("0000:00:00.0"))!.IommuGroup} .group-detach"));
        Assert.Single(page.FindAll($"#group-{soundGroup} .group-detach"));
    }

    [Fact]
    public void Render_DiskHoldingMountedFilesystems_SaysTheHostNeedsIt()
    {
        var page = Render<Groups>();
        page.WaitForState(() => page.Instance.Host is not null, Timeout);

        var disk = page.Find("tr[data-address='0000:00:05.0']");
        Assert.Contains("/dev/vda1 is mounted on /var/lib/libvirt/images", disk.QuerySelector(".host-needs-badge")!.GetAttribute("title"), StringComparison.Ordinal);
        Assert.Null(page.Find("tr[data-address='0000:00:1b.0']").QuerySelector(".host-needs-badge"));
    }
}
