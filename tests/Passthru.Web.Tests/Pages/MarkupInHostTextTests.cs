using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Passthru.TestSupport;
using Passthru.Web.Components.Pages;
using Passthru.Web.Configuration;

namespace Passthru.Web.Tests.Pages;

/// <summary>
/// Names the dashboard did not write, shown on its pages: pci.ids (a file anyone with root on the host, or
/// a distribution's package, can change) and libvirt (whoever may define a guest names it). Markup in them
/// must reach the page as text, never as elements.
/// </summary>
public sealed class MarkupInHostTextTests : PageTestContext
{
    private const string Script = "<script>alert(1)</script>";
    private const string Image = "<img src=x onerror=alert(1)>";

    private readonly string _pciIds = Scratch.NewPath("passthru-markup") + ".ids";

    public MarkupInHostTextTests()
    {
        // A pci.ids that names the captured tree's sound card (8086:293e, class 04 03) with markup.
        File.WriteAllText(_pciIds, $"""
            8086  {Script}
            	293e  {Image}
            		1af4 1100  {Image} subsystem
            C 04  {Script} class
            	03  {Image} subclass
            """);
        Services.Configure<PassthruOptions>(options => options.PciIdsPath = _pciIds);
    }

    [Fact]
    public void GroupsPage_PciIdsNamesWithMarkup_AreShownAsText()
    {
        var page = Render<Groups>();
        page.WaitForState(() => page.Instance.Host is not null, Timeout);

        var row = page.Find("tr[data-address='0000:00:1b.0']");
        Assert.Contains(Image, row.TextContent, StringComparison.Ordinal);
        Assert.Contains(Script, row.TextContent, StringComparison.Ordinal);
        AssertNoInjectedElements(page);
    }

    [Fact]
    public void DevicePage_PciIdsNamesWithMarkup_AreShownAsText()
    {
        var page = Render<DevicePage>(p => p.Add(d => d.Address, "0000:00:1b.0"));
        page.WaitForState(() => page.Instance.Assessment is not null, Timeout);

        Assert.Contains(Script, TextOf(page), StringComparison.Ordinal);
        Assert.Contains(Image, TextOf(page), StringComparison.Ordinal);
        AssertNoInjectedElements(page);
    }

    protected override Task BeforeDisposeAsync()
    {
        File.Delete(_pciIds);
        return Task.CompletedTask;
    }

    /// <summary>All the text of the rendered page, as a browser would show it.</summary>
    internal static string TextOf(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> page)
        => string.Concat(page.Nodes.Select(n => n.TextContent));

    /// <summary>
    /// No element that the markup would have made: no script, no img, no attribute named like a handler. (The
    /// text may stand inside an attribute value, an aria-label say: there it is a value, not markup.)
    /// </summary>
    internal static void AssertNoInjectedElements(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> page)
    {
        Assert.Empty(page.FindAll("script, img"));
        var handlers = page.FindAll("*").SelectMany(e => e.Attributes).Where(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)).Select(a => a.Name);
        Assert.Empty(handlers);
    }
}
