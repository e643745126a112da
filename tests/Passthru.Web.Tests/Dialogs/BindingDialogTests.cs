using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Passthru.Core.History;
using Passthru.Core.Pci;
using Passthru.Core.Safety;
using Passthru.Web.Components.Dialogs;
using Passthru.Web.Tests.Pages;

namespace Passthru.Web.Tests.Dialogs;

/// <summary>The detach dialog on a writable copy of a captured tree (a FIXTURE ROOT: a run writes files, and no kernel binds).</summary>
public class BindingDialogTests() : PageTestContext(writable: true)
{
    /// <summary>Opens the dialog as the pages do, through MudBlazor's dialog service, and waits for its dry run.</summary>
    private IRenderedComponent<MudDialogProvider> Open(OperationAction action, PciAddress? device = null, int? group = null, string? expectedIds = null)
    {
        var provider = Render<MudDialogProvider>();
        _ = provider.InvokeAsync(() => Services.GetRequiredService<IDialogService>().OpenBindingAsync(action, device, group, expectedIds));
        provider.WaitForAssertion(() => Assert.NotEmpty(provider.FindAll("#binding-close")), Timeout);
        provider.WaitForAssertion(() => Assert.Empty(provider.FindAll(".working")), Timeout);
        return provider;
    }

    [Fact]
    public void Open_GroupWithBootVga_ShowsDryRunAndNeedsTypedConfirmation()
    {
        var dialog = Open(OperationAction.Detach, group: 12);

        Assert.Equal(3, dialog.FindAll("#plan tbody tr").Count);
        Assert.Contains("vfio-pci", dialog.Find("#plan tr[data-address='0000:04:00.6']").TextContent, StringComparison.Ordinal);
        Assert.Contains("fbcon", dialog.Find("#refusals").TextContent, StringComparison.Ordinal);
        Assert.True(dialog.Find("#binding-run").HasAttribute("disabled"));

        dialog.Find("input#override-confirmation").Input("group 1");
        dialog.WaitForAssertion(() => Assert.True(dialog.Find("#binding-run").HasAttribute("disabled")), Timeout);
        dialog.Find("input#override-confirmation").Input("group 12");
        dialog.WaitForAssertion(() => Assert.False(dialog.Find("#binding-run").HasAttribute("disabled")), Timeout);
    }

    [Fact]
    public void Open_Bridge_IsRefusedWithNoWayToRun()
    {
        var dialog = Open(OperationAction.Detach, device: PciAddress.Parse("0000:02:00.0"));

        Assert.Contains("cannot be overridden", dialog.Find("#refusals").TextContent, StringComparison.Ordinal);
        Assert.Empty(dialog.FindAll("#override-confirmation"));
        Assert.True(dialog.Find("#binding-run").HasAttribute("disabled"));
    }

    [Fact]
    public void Open_HostBridge_IsRefusedAsAChipsetFunction()
    {
        var dialog = Open(OperationAction.Detach, device: PciAddress.Parse("0000:00:00.0"));

        var refusal = dialog.Find($"#refusals li[data-kind='{RefusalKind.ChipsetFunction}']");
        Assert.Contains("host bridge", refusal.TextContent, StringComparison.Ordinal);
        Assert.Empty(dialog.FindAll("#override-confirmation"));
        Assert.True(dialog.Find("#binding-run").HasAttribute("disabled"));
    }

    [Fact]
    public void Open_SoloDevice_RunsWithoutConfirmation()
    {
        var dialog = Open(OperationAction.Detach, device: PciAddress.Parse("0000:00:1b.0"), expectedIds: "8086:293e");

        Assert.Empty(dialog.FindAll("#refusals"));
        Assert.False(dialog.Find("#binding-run").HasAttribute("disabled"));
        Assert.Contains("sound card", dialog.Find("#plan").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_OnACapturedTree_SaysTheLikelyCauseAndLinksItsHistoryEntry()
    {
        var dialog = Open(OperationAction.Detach, device: PciAddress.Parse("0000:00:1b.0"), expectedIds: "8086:293e");

        dialog.Find("#binding-run").Click();

        dialog.WaitForAssertion(() => Assert.Equal("RolledBack", dialog.Find("#outcome").GetAttribute("data-status")), Timeout);
        Assert.Contains("Likely cause: the host root", dialog.Find("#outcome").TextContent, StringComparison.Ordinal);
        Assert.Matches(@"^history\?id=\d+$", dialog.Find("#outcome-history").GetAttribute("href"));
    }

    [Fact]
    public async Task Run_HostChangedSinceTheDryRun_ShowsTheNewPlanDoesNothingAndAsksAgain()
    {
        var dialog = Open(OperationAction.Detach, device: PciAddress.Parse("0000:00:05.0"));
        dialog.Find("input#override-confirmation").Input("0000:00:05.0");
        dialog.WaitForAssertion(() => Assert.False(dialog.Find("#binding-run").HasAttribute("disabled")), Timeout);

        // Between the look and the click, the disk's filesystem is mounted a second time: a refusal the person never saw.
        await File.AppendAllTextAsync(Path.Combine(TreeCopy, "proc/mounts"), "/dev/vda1 /mnt/backup ext4 rw,relatime 0 0\n");
        dialog.Find("#binding-run").Click();

        dialog.WaitForAssertion(() => Assert.NotEmpty(dialog.FindAll("#binding-plan-changed")), Timeout);
        Assert.Contains("/dev/vda1 is mounted on /mnt/backup", dialog.Find("#refusals").TextContent, StringComparison.Ordinal);
        Assert.Empty(dialog.FindAll("#outcome"));
        Assert.True(dialog.Find("#binding-run").HasAttribute("disabled"));
        Assert.Empty(await Services.GetRequiredService<OperationJournal>().ListAsync());
        Assert.Equal("(null)", (await File.ReadAllTextAsync(Path.Combine(TreeCopy, "sys/bus/pci/devices/0000:00:05.0/driver_override"))).Trim());
    }
}
