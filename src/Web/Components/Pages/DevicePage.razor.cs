using Microsoft.AspNetCore.Components;
using MudBlazor;
using Passthru.Core.Advice;
using Passthru.Core.Boot;
using Passthru.Core.History;
using Passthru.Core.Iommu;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.Core.Safety;
using Passthru.Core.Scanning;
using Passthru.Web.Components.Dialogs;
using Passthru.Web.Live;
using Passthru.Web.Model;

namespace Passthru.Web.Components.Pages;

/// <summary>One device: can it go to a guest, what blocks it and what to do, its group, its interrupts live, and every attribute.</summary>
public partial class DevicePage : LiveComponentBase
{
    [Inject]
    public required HostModel Model { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required BootClaimService BootClaims { get; init; }

    [Parameter]
    public string Address { get; set; } = "";

    internal HostSnapshot? Host { get; private set; }
    internal HostUsage? Usage { get; private set; }
    internal PciDevice? Device { get; private set; }
    internal IommuGroup? Group { get; private set; }
    internal DeviceStanding? Standing { get; private set; }
    internal GuestsSnapshot? Guests { get; private set; }
    internal string? Error { get; private set; }

    /// <summary>The device's claim at boot, if it has one; null too when the claims record cannot be read (the Host page says why).</summary>
    internal BootClaim? Claim { get; private set; }

    /// <summary>The verdict as the passthrough advisor gives it (the tests' view of the page).</summary>
    internal PassthroughAssessment? Assessment => Standing?.Assessment;

    protected override Task OnParametersSetAsync() => LoadAsync();

    internal async Task LoadAsync() => await ShowAsync(await Model.ScanAsync());

    /// <summary>The page follows the outcome through the live push, as it follows a change made anywhere else.</summary>
    private Task OpenAsync(OperationAction action) => Dialogs.OpenBindingAsync(action, Device!.Address, null, Device.IdPair);

    private async Task ClaimAtBootAsync(OperationAction action)
    {
        await Dialogs.OpenBootClaimAsync(action, Device!.Address, null);
        Claim = ReadClaim(Device.Address);
    }

    private BootClaim? ReadClaim(PciAddress address)
    {
        try
        {
            return BootClaims.ReadManifest().Find(address);
        }
        catch (ClaimManifestException)
        {
            return null;
        }
    }

    private Task GiveAsync(Guest guest, IReadOnlyList<PciAddress> devices) => Dialogs.OpenAttachAsync(guest.Name, guest.IsActive, devices);

    /// <summary>The driver, verdict and guests whenever they change (the interrupts section follows the samples itself).</summary>
    protected override async ValueTask<bool> OnLiveStateAsync(LiveState state)
    {
        var guestsChanged = !ReferenceEquals(state.Guests, Guests);
        Guests = state.Guests;
        if (state.Host is { } host && Host is not null && !Host.HasSameDevicesAs(host))
        {
            await ShowAsync(host);
            return true;
        }

        if (guestsChanged && Host is not null && Device is not null)
        {
            Standing = DeviceStanding.Of(Host, Device, Usage!, Guests);
        }

        return guestsChanged;
    }

    /// <summary>Reads what the host uses first, then shows it all at once: a render between the two would see half.</summary>
    private async Task ShowAsync(HostSnapshot host)
    {
        if (!PciAddress.TryParse(Address, out var address, out var error))
        {
            Error = error;
            return;
        }

        var usage = await Model.ReadUsageAsync(Guests);
        Host = host;
        Device = Host.Find(address);
        if (Device is null)
        {
            Error = $"There is no PCI device {address} on this host (it may have been removed).";
            return;
        }

        Error = null;
        Claim = ReadClaim(address);
        Usage = usage;
        Group = Host.GroupOf(Device);
        Standing = DeviceStanding.Of(Host, Device, Usage, Guests);
    }
}
