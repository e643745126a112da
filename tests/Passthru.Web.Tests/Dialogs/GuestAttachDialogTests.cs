using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Passthru.Core.Pci;
using Passthru.Web.Components.Dialogs;
using Passthru.Web.Tests.Pages;

namespace Passthru.Web.Tests.Dialogs;

/// <summary>The give-a-device dialog with libvirt's test driver and a stopped guest whose name a shell would split.</summary>
public sealed class GuestAttachDialogTests() : LibvirtPageTestContext((Guest, true, []))
{
    private const string Guest = "win11-audio & games";

    private IRenderedComponent<MudDialogProvider> Open(string guest, params string[] devices)
    {
        var provider = Render<MudDialogProvider>();
        _ = provider.InvokeAsync(() => Services.GetRequiredService<IDialogService>().OpenAttachAsync(guest, false, devices.Select(PciAddress.Parse).ToArray()));
        provider.WaitForAssertion(() => Assert.NotEmpty(provider.FindAll("#attach-devices tr[data-address]")), Timeout);
        return provider;
    }

    [Fact]
    public void Search_LowerCase_FindsTheAudioDevicesWhoseNamesSayAudio()
    {
        var dialog = Open("vm-off");

        dialog.Find("input#attach-search").Input("audio");

        dialog.WaitForAssertion(() => Assert.Equal(["0000:00:1b.0", "0000:01:00.1", "0000:03:01.0", "0000:04:00.6"],
            dialog.FindAll("#attach-devices tr[data-address]").Select(r => r.GetAttribute("data-address"))), Timeout);
    }

    [Fact]
    public void List_SaysEachDevicesGroupAndDriverAndWhoHasIt()
    {
        var dialog = Open("vm-off");

        var own = dialog.Find("#attach-devices tr[data-address='0000:05:00.0']");
        Assert.Contains("in-guest", own.ClassList);
        Assert.Contains("already in this guest", own.TextContent, StringComparison.Ordinal);
        Assert.NotNull(own.QuerySelector("input[type=checkbox][disabled]"));
        var card = dialog.Find("#attach-devices tr[data-address='0000:04:00.6']");
        Assert.Contains("in vm-running (running)", card.TextContent, StringComparison.Ordinal);
        Assert.Contains("snd_hda_intel", card.TextContent, StringComparison.Ordinal);
        Assert.Contains("12", card.QuerySelectorAll("td")[3].TextContent, StringComparison.Ordinal);
        Assert.Empty(dialog.FindAll("#attach-devices tr[data-address='0000:00:00.0'], #attach-devices tr[data-address='0000:00:1f.3'], #attach-devices tr[data-address='0000:00:02.0']"));
    }

    [Fact]
    public void WholeGroup_ChoosesEveryMemberAndShowsOneQuotedCommandPerDevice()
    {
        var dialog = Open(Guest, "0000:01:00.1");
        dialog.WaitForAssertion(() => Assert.NotEmpty(dialog.FindAll("#attach-whole-group")), Timeout);

        dialog.Find("#attach-whole-group").Click();

        dialog.WaitForAssertion(() => Assert.Contains("Chosen: 0000:01:00.0, 0000:01:00.1", dialog.Find("#attach-selection").TextContent, StringComparison.Ordinal), Timeout);
        dialog.WaitForAssertion(() => Assert.Equal(
            [
                "virsh attach-device 'win11-audio & games' hostdev-0000-01-00-0.xml --config",
                "virsh attach-device 'win11-audio & games' hostdev-0000-01-00-1.xml --config",
            ],
            dialog.Find("#virsh-command").TextContent.Split('\n')), Timeout);
        Assert.Equal(2, dialog.FindAll("#hostdev-xml pre").Count);
    }

    [Fact]
    public void Plan_ShowsWhatTheHostLosesWhenTheGuestStarts_AsADetachWould()
    {
        var dialog = Open(Guest, "0000:04:00.0", "0000:04:00.1");

        dialog.WaitForAssertion(() => Assert.Equal(2, dialog.FindAll("#attach-plan tbody tr").Count), Timeout);
        Assert.Contains("When the guest starts", dialog.Find("#attach-plan thead").TextContent, StringComparison.Ordinal);
        var display = dialog.Find("#attach-plan tr[data-address='0000:04:00.0']");
        Assert.Contains("bochs-drm", display.TextContent, StringComparison.Ordinal);
        Assert.Contains("vfio-pci", display.TextContent, StringComparison.Ordinal);
        Assert.Contains("display", display.QuerySelector(".losses")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("fbcon", dialog.Find("#attach-refusals").TextContent, StringComparison.Ordinal);
    }
}
