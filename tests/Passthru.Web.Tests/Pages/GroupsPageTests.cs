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

        var shown = page.FindAll(".group-card");
        Assert.InRange(shown.Count, 1, all - 1);
        Assert.All(shown, card => Assert.Contains("e1000e", card.TextContent, StringComparison.Ordinal));
    }
}
