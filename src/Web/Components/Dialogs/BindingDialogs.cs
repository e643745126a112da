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

/// <summary>Opens the dialog that gives host functions to a guest.</summary>
public static class GuestDialogs
{
    public static async Task<Passthru.Core.Guests.GuestResult?> OpenAttachAsync(this DialogService dialogs, string guest, bool guestRuns, PciAddress? device = null)
        => await dialogs.OpenAsync<GuestAttachDialog>($"Give a device to {guest}", new Dictionary<string, object?>
        {
            [nameof(GuestAttachDialog.GuestName)] = guest,
            [nameof(GuestAttachDialog.GuestRuns)] = guestRuns,
            [nameof(GuestAttachDialog.Device)] = device,
        }, new DialogOptions { Width = "860px", CloseDialogOnOverlayClick = false }) as Passthru.Core.Guests.GuestResult;
}
