using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Passthru.Core.History;
using Passthru.Core.Safety;
using Passthru.Web.Components.Pages;

namespace Passthru.Web.Tests.Pages;

/// <summary>
/// A guest's start is when libvirt takes its managed devices from the host. On libvirt's test driver with
/// two stopped guests: vm-disk holds 00:05.0 managed (the controller of the captured tree's mounted
/// /dev/vda1 and swap /dev/vda2), vm-sound holds 00:1b.0 managed (nothing the host needs).
/// </summary>
public sealed class GuestsPageStartTests() : LibvirtPageTestContext(("vm-disk", true, ["0000:00:05.0"]), ("vm-sound", true, ["0000:00:1b.0"]))
{
    private (IRenderedComponent<MudDialogProvider> Dialogs, IRenderedComponent<Guests> Page) Open()
    {
        var dialogs = Render<MudDialogProvider>();
        var page = Render<Guests>();
        page.WaitForState(() => page.Instance.Snapshot is { Availability.IsAvailable: true } && page.Instance.Host is not null, Timeout);
        return (dialogs, page);
    }

    private static AngleSharp.Dom.IElement Card(IRenderedComponent<Guests> page, string guest) => page.Find($".guest-card[data-guest='{guest}']");

    [Fact]
    public async Task Start_GuestThatTakesAMountedDisk_ShowsWhatTheHostLosesAndWaitsForTheTypedName()
    {
        var (dialogs, page) = Open();

        ClickLive(() => Card(page, "vm-disk").QuerySelector("button.start")!);

        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll("#guest-start-dialog")), Timeout);
        Assert.Contains("vfio-pci", dialogs.Find("#start-plan tr[data-address='0000:00:05.0']").TextContent, StringComparison.Ordinal);
        Assert.Contains("disk vda", dialogs.Find("#start-plan").TextContent, StringComparison.Ordinal);
        Assert.Contains("/dev/vda1 is mounted on /var/lib/libvirt/images", dialogs.Find("#start-refusals").TextContent, StringComparison.Ordinal);
        Assert.True(dialogs.Find("#start-run").HasAttribute("disabled"));

        dialogs.Find("input#start-override-confirmation").Input("vm-disk");
        dialogs.WaitForAssertion(() => Assert.False(dialogs.Find("#start-run").HasAttribute("disabled")), Timeout);
        dialogs.Find("#start-run").Click();

        dialogs.WaitForAssertion(() => Assert.Equal("Succeeded", dialogs.Find("#start-outcome").GetAttribute("data-status")), Timeout);
        var start = Assert.Single(await Services.GetRequiredService<OperationJournal>().ListAsync(action: OperationAction.StartGuest));
        Assert.True(start.Forced);
        Assert.Contains(start.Overrode!.Refusals, r => r.Contains("/dev/vda2 is active swap", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_GuestThatTakesNothingTheHostNeeds_StartsWithoutAQuestion()
    {
        var (dialogs, page) = Open();

        ClickLive(() => Card(page, "vm-sound").QuerySelector("button.start")!);

        page.WaitForAssertion(() => Assert.Equal("Running", Card(page, "vm-sound").GetAttribute("data-state")), Timeout);
        Assert.Empty(dialogs.FindAll("#guest-start-dialog"));
        var start = Assert.Single(await Services.GetRequiredService<OperationJournal>().ListAsync(action: OperationAction.StartGuest));
        Assert.Equal((OperationStatus.Succeeded, false), (start.Status, start.Forced));
    }
}
