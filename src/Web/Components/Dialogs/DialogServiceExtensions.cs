using MudBlazor;
using Passthru.Core.Binding;
using Passthru.Core.Guests;
using Passthru.Core.History;
using Passthru.Core.Pci;

namespace Passthru.Web.Components.Dialogs;

/// <summary>Opens the dashboard's dialogs with typed parameters, and hands back what they did.</summary>
public static class DialogServiceExtensions
{
    /// <summary>The detach/reattach dialog for a device or a group; the outcome, or null when nothing ran.</summary>
    public static async Task<BindingResult?> OpenBindingAsync(this IDialogService dialogs, OperationAction action, PciAddress? device, int? group, string? expectedIds = null)
    {
        var what = device?.ToString() ?? $"IOMMU group {group}";
        var title = action == OperationAction.Detach ? $"Detach {what} to vfio-pci" : $"Give {what} back to the host";
        var reference = await dialogs.ShowAsync<BindingDialog>(title, new DialogParameters<BindingDialog>
        {
            { d => d.Action, action },
            { d => d.Device, device },
            { d => d.Group, group },
            { d => d.ExpectedIds, expectedIds },
        });
        return (await reference.Result)?.Data as BindingResult;
    }

    /// <summary>The claim-at-boot (or release) dialog for a device or a group; the outcome, or null when nothing was written.</summary>
    public static async Task<Passthru.Core.Boot.BootClaimResult?> OpenBootClaimAsync(this IDialogService dialogs, OperationAction action, PciAddress? device, int? group)
    {
        var what = device?.ToString() ?? $"IOMMU group {group}";
        var title = action == OperationAction.ClaimAtBoot ? $"Claim {what} for vfio-pci at boot" : $"Release {what} at boot";
        var reference = await dialogs.ShowAsync<BootClaimDialog>(title, new DialogParameters<BootClaimDialog>
        {
            { d => d.Action, action },
            { d => d.Device, device },
            { d => d.Group, group },
        }, new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        return (await reference.Result)?.Data as Passthru.Core.Boot.BootClaimResult;
    }

    /// <summary>The dialog that gives host functions to a guest, starting with <paramref name="devices"/>; libvirt's outcome, or null.</summary>
    public static async Task<GuestResult?> OpenAttachAsync(this IDialogService dialogs, string guest, bool guestRuns, IReadOnlyList<PciAddress>? devices = null)
    {
        var reference = await dialogs.ShowAsync<GuestAttachDialog>($"Give a device to {guest}", new DialogParameters<GuestAttachDialog>
        {
            { d => d.GuestName, guest },
            { d => d.GuestRuns, guestRuns },
            { d => d.Devices, devices ?? [] },
        });
        return (await reference.Result)?.Data as GuestResult;
    }

    /// <summary>The confirmation of a guest's start that takes something the host uses; the outcome, or null when it did not start.</summary>
    public static async Task<GuestStartResult?> OpenStartAsync(this IDialogService dialogs, string guest, GuestStartResult dryRun)
    {
        var reference = await dialogs.ShowAsync<GuestStartDialog>($"Start {guest}?", new DialogParameters<GuestStartDialog>
        {
            { d => d.GuestName, guest },
            { d => d.DryRun, dryRun },
        });
        return (await reference.Result)?.Data as GuestStartResult;
    }

    /// <summary>Apply on the kernel command line: the plan, then the outcome, or null when nothing ran.</summary>
    public static async Task<Passthru.Core.Boot.CommandLine.CommandLineResult?> OpenKernelLineAsync(this IDialogService dialogs, string title,
        Passthru.Core.Boot.CommandLine.ParameterChange change)
    {
        var reference = await dialogs.ShowAsync<KernelLineDialog>(title, new DialogParameters<KernelLineDialog> { { d => d.Change, change } },
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        return (await reference.Result)?.Data as Passthru.Core.Boot.CommandLine.CommandLineResult;
    }

    /// <summary>A yes/no question for a step that cannot be taken back; true when the person said yes.</summary>
    public static async Task<bool> ConfirmAsync(this IDialogService dialogs, string title, string message, string yes)
        => await dialogs.ShowMessageBoxAsync(title, message, yesText: yes, cancelText: "Cancel") == true;
}
