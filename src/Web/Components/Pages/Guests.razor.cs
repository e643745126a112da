using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using MudBlazor;
using Passthru.Core.Changes;
using Passthru.Core.Guests;
using Passthru.Core.History;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.Core.Safety;
using Passthru.Core.Scanning;
using Passthru.Web.Auth;
using Passthru.Web.Components.Controls;
using Passthru.Web.Components.Dialogs;
using Passthru.Web.Configuration;
using Passthru.Web.Live;

namespace Passthru.Web.Components.Pages;

/// <summary>
/// Every libvirt guest with its state and the host functions in its running and persistent
/// definitions; start and shut down; give a device to a guest and take it back. What cannot be
/// taken back (a forced power-off, pulling a device from a running guest) is confirmed first.
/// </summary>
public partial class Guests : LiveComponentBase
{
    [Inject]
    public required GuestService GuestService { get; init; }

    [Inject]
    public required GuestPower Power { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required IJSRuntime Js { get; init; }

    [Inject]
    public required CircuitOrigin Origin { get; init; }

    [Inject]
    public required IOptions<PassthruOptions> Options { get; init; }

    /// <summary>A guest to bring into view (<c>guests?guest=NAME</c>, from a device's guest chip).</summary>
    [SupplyParameterFromQuery(Name = "guest")]
    public string? GuestQuery { get; set; }

    internal GuestsSnapshot? Snapshot { get; private set; }
    internal HostSnapshot? Host { get; private set; }
    internal IReadOnlyDictionary<string, double> Rates { get; private set; } = new Dictionary<string, double>();
    internal string? Problem { get; private set; }
    internal PciAddress? OfferReattach { get; private set; }
    internal string? Busy { get; private set; }

    private (long Host, long Guests) _shown = (-1, -1);
    private bool _revealed;

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

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!_revealed && GuestQuery is { } name && Snapshot?.Guests.Any(g => g.Name == name) == true)
        {
            _revealed = true;
            await Js.InvokeVoidAsync("passthru.reveal", GuestLink.CardId(name));
        }
    }

    internal async Task AttachAsync(Guest guest)
    {
        if (await Dialogs.OpenAttachAsync(guest.Name, guest.IsActive) is { Status: OperationStatus.Succeeded } result)
        {
            Snackbar.Add(result.Message, Severity.Success);
        }
    }

    internal async Task DetachAsync(Guest guest, HostDeviceUse use)
    {
        if (use.Live is not null && guest.IsActive && !await Dialogs.ConfirmAsync($"Remove {use.HostAddress} from {guest.Name}?",
                $"{guest.Name} is running and uses {use.HostAddress} now: its operating system loses the device at once, as if it were pulled out. " +
                "It is also taken out of the definition used at the next start.", "Remove"))
        {
            return;
        }

        await RunAsync($"{guest.Name}/{use.HostAddress}", async () =>
        {
            var result = await GuestService.DetachAsync(guest.Name, use.HostAddress, Origin.Actor);
            Say(result.Message, result.Status != OperationStatus.Succeeded);
            OfferReattach = result.Status == OperationStatus.Succeeded && !(use.Persistent ?? use.Live)!.Managed ? use.HostAddress : null;
        });
    }

    internal async Task ReattachAsync(PciAddress address)
    {
        await Dialogs.OpenBindingAsync(OperationAction.Reattach, address, null);
        OfferReattach = null;
    }

    /// <summary>
    /// A start is planned first: libvirt takes the guest's managed devices from the host as it starts. When the host
    /// would lose something it uses that nobody confirmed (when giving the devices, say), the start is confirmed in a
    /// dialog; otherwise it runs on the plan just made.
    /// </summary>
    internal Task StartAsync(Guest guest)
        => RunAsync($"{guest.Name}/start", async () =>
        {
            var request = new GuestStartRequest(guest.Name, Origin.Actor, DryRun: true, ConnectionAddress: Origin.ConnectionAddress);
            var dryRun = await Power.StartAsync(request);
            var result = dryRun.Unconfirmed.Count > 0
                ? await Dialogs.OpenStartAsync(guest.Name, dryRun)
                : await Power.StartAsync(request with { DryRun = false, SeenPlan = dryRun.Plan.Fingerprint });
            if (result is not null)
            {
                Say(result.Status == OperationStatus.Succeeded ? $"{guest.Name} {result.Message}." : result.Message, result.Status != OperationStatus.Succeeded);
            }
        });

    internal Task ShutdownAsync(Guest guest) => StopAsync(guest, force: false, $"{guest.Name} was asked to shut down (ACPI); its guest OS decides when.");

    internal async Task ForceOffAsync(Guest guest)
    {
        if (await Dialogs.ConfirmAsync($"Force {guest.Name} off?",
                $"This cuts {guest.Name}'s power at once, as pulling the plug would: unsaved work in it is lost and its disks may need a check. " +
                "Shut down asks its operating system to stop cleanly instead.", "Force off"))
        {
            await StopAsync(guest, force: true, $"{guest.Name} was turned off.");
        }
    }

    private Task StopAsync(Guest guest, bool force, string done)
        => RunAsync($"{guest.Name}/{(force ? "off" : "shutdown")}", async () =>
        {
            await Power.StopAsync(guest.Name, force, Origin.Actor);
            Say(done, error: false);
        });

    /// <summary>One change at a time from this page; libvirt's refusals and a history that cannot be written are said, not thrown.</summary>
    private async Task RunAsync(string busy, Func<Task> change)
    {
        Busy = busy;
        try
        {
            await change();
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

    /// <summary>Done is a passing note; a failure stays on the page until it is closed.</summary>
    private void Say(string message, bool error)
    {
        if (error)
        {
            Problem = message;
            return;
        }

        Problem = null;
        Snackbar.Add(message, Severity.Success);
    }
}
