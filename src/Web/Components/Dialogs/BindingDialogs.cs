using Passthru.Core.Binding;
using Passthru.Core.History;
using Passthru.Core.Pci;
using Radzen;

namespace Passthru.Web.Components.Dialogs;

/// <summary>Opens the detach/reattach dialog for a device or a group.</summary>
public static class BindingDialogs
{
    public static async Task<BindingResult?> OpenAsync(this DialogService dialogs, OperationAction action, PciAddress? device, int? group, string? expectedIds = null)
    {
        var what = device?.ToString() ?? $"IOMMU group {group}";
        var title = action == OperationAction.Detach ? $"Detach {what} to vfio-pci" : $"Give {what} back to the host";
        var result = await dialogs.OpenAsync<BindingDialog>(title, new Dictionary<string, object?>
        {
            [nameof(BindingDialog.Action)] = action,
            [nameof(BindingDialog.Device)] = device,
            [nameof(BindingDialog.Group)] = group,
            [nameof(BindingDialog.ExpectedIds)] = expectedIds,
        }, new DialogOptions { Width = "860px", CloseDialogOnOverlayClick = false });
        return result as BindingResult;
    }
}
