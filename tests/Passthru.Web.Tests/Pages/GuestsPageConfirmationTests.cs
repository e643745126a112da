using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Passthru.Core.History;
using Passthru.Web.Components.Pages;

namespace Passthru.Web.Tests.Pages;

/// <summary>What cannot be taken back on the Guests page asks first, as cockpit-machines does; libvirt's test driver runs vm-running with 04:00.6.</summary>
public sealed class GuestsPageConfirmationTests : LibvirtPageTestContext
{
    private (IRenderedComponent<MudDialogProvider> Dialogs, IRenderedComponent<Guests> Page) Open()
    {
        var dialogs = Render<MudDialogProvider>();
        var page = Render<Guests>();
        page.WaitForState(() => page.Instance.Snapshot is { Availability.IsAvailable: true }, Timeout);
        return (dialogs, page);
    }

    private static AngleSharp.Dom.IElement Card(IRenderedComponent<Guests> page, string guest) => page.Find($".guest-card[data-guest='{guest}']");

    [Fact]
    public async Task ForceOff_AsksFirst_AndCancelLeavesTheGuestRunning()
    {
        var (dialogs, page) = Open();

        ClickLive(() => Card(page, "vm-running").QuerySelector("button.force-off")!);

        dialogs.WaitForAssertion(() => Assert.Contains("Force vm-running off?", dialogs.Markup, StringComparison.Ordinal), Timeout);
        Assert.Contains("unsaved work in it is lost", dialogs.Markup, StringComparison.Ordinal);
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();

        dialogs.WaitForAssertion(() => Assert.DoesNotContain("Force vm-running off?", dialogs.Markup, StringComparison.Ordinal), Timeout);
        Assert.Equal("Running", Card(page, "vm-running").GetAttribute("data-state"));
        Assert.DoesNotContain(await Services.GetRequiredService<OperationJournal>().ListAsync(), r => r.Action == OperationAction.ForceOffGuest);
    }

    [Fact]
    public void Remove_FromARunningGuest_AsksFirst()
    {
        var (dialogs, page) = Open();

        ClickLive(() => Card(page, "vm-running").QuerySelector("tr[data-address='0000:04:00.6'] button.remove-device")!);

        dialogs.WaitForAssertion(() => Assert.Contains("Remove 0000:04:00.6 from vm-running?", dialogs.Markup, StringComparison.Ordinal), Timeout);
        Assert.Contains("loses the device at once", dialogs.Markup, StringComparison.Ordinal);
    }
}
