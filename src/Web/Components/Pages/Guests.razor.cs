using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Passthru.Core.Binding;
using Passthru.Core.Guests;
using Passthru.Core.History;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;
using Passthru.Web.Components.Dialogs;
using Passthru.Web.Configuration;
using Passthru.Web.Model;
using Radzen;

namespace Passthru.Web.Components.Pages;

/// <summary>
/// Every libvirt guest with its state and the host functions in its running and persistent
/// definitions; start and shut down; give a device to a guest and take it back.
/// </summary>
public partial class Guests : LiveComponentBase
{
    [Inject]
    public required ILibvirtClient Libvirt { get; init; }

    [Inject]
    public required GuestService GuestService { get; init; }

    [Inject]
    public required GuestPower Power { get; init; }

    [Inject]
    public required DialogService Dialogs { get; init; }

    [Inject]
    public required CircuitOrigin Origin { get; init; }

    [Inject]
    public required IOptions<PassthruOptions> Options { get; init; }

    internal GuestsSnapshot? Snapshot { get; private set; }
    internal HostSnapshot? Host { get; private set; }
    internal IReadOnlyDictionary<string, double> Rates { get; private set; } = new Dictionary<string, double>();
    internal string? Message { get; private set; }
    internal bool MessageIsError { get; private set; }
    internal PciAddress? OfferReattach { get; private set; }
    internal string? Busy { get; private set; }

    private (long Host, long Guests) _shown = (-1, -1);

    protected override ValueTask<bool> OnLiveStateAsync(LiveState state)
    {
        var versions = (state.HostVersion, state.GuestsVersion);
        var ratesMatter = state.Guests?.Guests.Any(g => g.IsActive && g.LiveHostDevices.Count > 0) == true;
        if (versions == _shown && !ratesMatter)
        {
            return ValueTask.FromResult(false);
        }

        (_shown, Snapshot, Host, Rates) = (versions, state.Guests, state.Host, state.GuestRates());
        return ValueTask.FromResult(true);
    }

    internal string DeviceName(PciAddress address) => Host?.Find(address)?.DisplayName ?? "not on this host";

    internal string HostDriver(PciAddress address) => Host?.Find(address) is { } device ? device.Driver ?? "no driver" : "–";

    internal async Task AttachAsync(Guest guest)
    {
        var result = await Dialogs.OpenAttachAsync(guest.Name, guest.IsActive);
        if (result is not null)
        {
            Say(result.Message, result.Status != OperationStatus.Succeeded);
        }
    }

    internal async Task DetachAsync(Guest guest, HostDeviceUse use)
    {
        Busy = $"{guest.Name}/{use.HostAddress}";
        try
        {
            var result = await Task.Run(() => GuestService.DetachAsync(guest.Name, use.HostAddress, Origin.Actor));
            Say(result.Message, result.Status != OperationStatus.Succeeded);
            OfferReattach = result.Status == OperationStatus.Succeeded && !(use.Persistent ?? use.Live)!.Managed ? use.HostAddress : null;
        }
        catch (Exception ex) when (ex is UnknownTargetException or LibvirtException or HistoryUnavailableException)
        {
            Say(ex.Message, error: true);
        }
        finally
        {
            Busy = null;
        }
    }

    internal async Task ReattachAsync(PciAddress address)
    {
        await Dialogs.OpenAsync(OperationAction.Reattach, address, null);
        OfferReattach = null;
    }

    internal Task StartAsync(Guest guest) => LifecycleAsync(guest, "start", OperationAction.StartGuest, $"{guest.Name} is starting.");

    internal Task ShutdownAsync(Guest guest) => LifecycleAsync(guest, "shutdown", OperationAction.ShutdownGuest,
        $"{guest.Name} was asked to shut down (ACPI); its guest OS decides when.");

    internal Task ForceOffAsync(Guest guest) => LifecycleAsync(guest, "off", OperationAction.ForceOffGuest, $"{guest.Name} was turned off.");

    private async Task LifecycleAsync(Guest guest, string what, OperationAction action, string done)
    {
        Busy = $"{guest.Name}/{what}";
        try
        {
            await Task.Run(() => Power.RunAsync(guest.Name, action, Origin.Actor));
            Say(done, error: false);
        }
        catch (Exception ex) when (ex is LibvirtException or HistoryUnavailableException)
        {
            Say(ex.Message, error: true);
        }
        finally
        {
            Busy = null;
        }
    }

    private void Say(string message, bool error) => (Message, MessageIsError) = (message, error);
}
