using Bunit;
using Passthru.Core.History;
using Passthru.Core.Pci;
using Passthru.Web.Components.Dialogs;
using Passthru.Web.Tests.Pages;

namespace Passthru.Web.Tests.Dialogs;

public class BindingDialogTests : PageTestContext
{
    [Fact]
    public void Open_GroupWithBootVga_ShowsDryRunAndNeedsTypedConfirmation()
    {
        var dialog = Render<BindingDialog>(p => p.Add(d => d.Action, OperationAction.Detach).Add(d => d.Group, 12));
        dialog.WaitForState(() => dialog.Instance.Plan is not null, Timeout);

        Assert.Equal(3, dialog.FindAll("#plan tbody tr").Count);
        Assert.Contains("vfio-pci", dialog.Find("#plan tr[data-address='0000:04:00.6']").TextContent, StringComparison.Ordinal);
        Assert.Contains("fbcon", dialog.Find("#refusals").TextContent, StringComparison.Ordinal);
        Assert.True(dialog.Find("#binding-run").HasAttribute("disabled"));

        dialog.Find("#override-confirmation input, input#override-confirmation").Input("group 1");
        dialog.WaitForAssertion(() => Assert.True(dialog.Find("#binding-run").HasAttribute("disabled")), Timeout);
        dialog.Find("#override-confirmation input, input#override-confirmation").Input("group 12");
        dialog.WaitForAssertion(() => Assert.False(dialog.Find("#binding-run").HasAttribute("disabled")), Timeout);
    }

    [Fact]
    public void Open_Bridge_IsRefusedWithNoWayToRun()
    {
        var dialog = Render<BindingDialog>(p => p.Add(d => d.Action, OperationAction.Detach).Add(d => d.Device, PciAddress.Parse("0000:02:00.0")));
        dialog.WaitForState(() => dialog.Instance.Plan is not null, Timeout);

        Assert.Contains("cannot be overridden", dialog.Find("#refusals").TextContent, StringComparison.Ordinal);
        Assert.Empty(dialog.FindAll("#override-confirmation"));
        Assert.True(dialog.Find("#binding-run").HasAttribute("disabled"));
    }

    [Fact]
    public void Open_SoloDevice_RunsWithoutConfirmation()
    {
        var dialog = Render<BindingDialog>(p => p.Add(d => d.Action, OperationAction.Detach).Add(d => d.Device, PciAddress.Parse("0000:00:1b.0")).Add(d => d.ExpectedIds, "8086:293e"));
        dialog.WaitForState(() => dialog.Instance.Plan is not null, Timeout);

        Assert.Empty(dialog.FindAll("#refusals"));
        Assert.False(dialog.Find("#binding-run").HasAttribute("disabled"));
        Assert.Contains("sound card", dialog.Find("#plan").TextContent, StringComparison.Ordinal);
    }
}
