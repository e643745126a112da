using System.Globalization;
using Microsoft.AspNetCore.Components;
using Passthru.Core.History;
using Passthru.Core.Iommu;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;
using Passthru.Web.Components.Dialogs;
using Passthru.Web.Model;
using Radzen;

namespace Passthru.Web.Components.Pages;

/// <summary>One device: can it go to a guest, what blocks it and what to do, its group, its interrupts live, and every attribute.</summary>
public partial class DevicePage : LiveComponentBase
{
    [Inject]
    public required HostModel Model { get; init; }

    [Parameter]
    public string Address { get; set; } = "";

    internal HostSnapshot? Host { get; private set; }
    internal PciDevice? Device { get; private set; }
    internal IommuGroup? Group { get; private set; }
    internal PassthroughAssessment? Assessment { get; private set; }
    internal string? Error { get; private set; }

    [Inject]
    public required DialogService Dialogs { get; init; }

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task OpenAsync(OperationAction action)
    {
        await Dialogs.OpenAsync(action, Device!.Address, null, Device.IdPair);
        await LoadAsync();
    }

    internal async Task LoadAsync() => Show(await Model.ScanAsync());

    /// <summary>The driver and verdict whenever the host's devices change (the interrupts section follows the samples itself).</summary>
    protected override ValueTask<bool> OnLiveStateAsync(LiveState state)
    {
        var guestsChanged = !ReferenceEquals(state.Guests, Guests);
        Guests = state.Guests;
        if (state.Host is not { } host || Host is null || Host.HasSameDevicesAs(host))
        {
            return ValueTask.FromResult(guestsChanged);
        }

        Show(host);
        return ValueTask.FromResult(true);
    }

    internal GuestsSnapshot? Guests { get; private set; }

    /// <summary>Guests a device can be given to; empty when libvirt is not there.</summary>
    internal IReadOnlyList<Guest> GuestChoices => Guests is { Availability.IsAvailable: true } guests ? guests.Guests.OrderBy(g => g.Name, StringComparer.Ordinal).ToArray() : [];

    internal string? TargetGuest { get; set; }

    internal async Task GiveToGuestAsync()
    {
        if (GuestChoices.FirstOrDefault(g => g.Name == TargetGuest) is { } guest)
        {
            await Dialogs.OpenAttachAsync(guest.Name, guest.IsActive, Device!.Address);
        }
    }

    private void Show(HostSnapshot host)
    {
        if (!PciAddress.TryParse(Address, out var address, out var error))
        {
            Error = error;
            return;
        }

        Host = host;
        Device = Host.Find(address);
        if (Device is null)
        {
            Error = $"There is no PCI device {address} on this host (it may have been removed).";
            return;
        }

        Error = null;
        Group = Host.GroupOf(Device);
        Assessment = PassthroughAdvisor.Assess(Host, Device);
    }

    private IEnumerable<(string Name, string Value)> Attributes
    {
        get
        {
            var d = Device!;
            yield return ("Address", d.Address.ToString());
            yield return ("Vendor:device", $"[{d.IdPair}]");
            yield return ("Subsystem", d.SubsystemVendorId is { } sv && d.SubsystemDeviceId is { } sd
                ? $"[{sv:x4}:{sd:x4}] {d.Names.SubsystemVendor} {d.Names.Subsystem}".TrimEnd() : "unknown");
            yield return ("Class", d.ClassCode is { } c
                ? $"{c:x6} {d.Names.Class}{(d.Names.ProgrammingInterface is { } progIf ? $" ({progIf})" : "")}"
                : "unknown");
            yield return ("Revision", d.Revision is { } r ? $"{r:x2}" : "unknown");
            yield return ("Driver", d.Driver ?? "none");
            yield return ("driver_override", d.DriverOverride ?? "unset");
            yield return ("IOMMU group", d.IommuGroup?.ToString(CultureInfo.InvariantCulture) ?? "none");
            yield return ("Kind", d.IsBridge ? "bridge or port" : "endpoint");
            yield return ("PCIe type", d.Config?.DeviceType?.ToString() ?? (d.Config is { CapabilitiesKnown: true } ? "conventional PCI" : "unknown"));
            yield return ("ACS", Acs(d));
            yield return ("Upstream path", d.ParentChain.Count == 0 ? "root bus" : string.Join(" → ", d.ParentChain));
            yield return ("Other functions in slot", d.MultifunctionSiblings.Count == 0 ? "none" : string.Join(", ", d.MultifunctionSiblings));
            yield return ("Boot VGA", d.BootVga switch { true => "yes", false => "no", null => "n/a" });
            yield return ("Reset methods", d.ResetMethods.Count == 0 ? "none" : string.Join(", ", d.ResetMethods));
            yield return ("NUMA node", d.NumaNode?.ToString(CultureInfo.InvariantCulture) ?? "unknown");
            if (d.Sriov is { } sriov)
            {
                yield return ("SR-IOV", sriov.PhysicalFunction is { } pf
                    ? $"virtual function of {pf}"
                    : $"{sriov.NumVfs} of {sriov.TotalVfs} VFs enabled{(sriov.VirtualFunctions.Count > 0 ? ": " + string.Join(", ", sriov.VirtualFunctions) : "")}");
            }

            yield return ("sysfs", "/" + d.SysfsPath);
        }
    }

    private static string Acs(PciDevice device) => device.Config switch
    {
        null => "unknown (config space unreadable)",
        { CapabilitiesKnown: false } => "unknown (config space only partly readable: run as root)",
        { IsPciExpress: false } => "none (conventional PCI)",
        { ExtendedCapabilitiesKnown: false } => "unknown (extended config space unreadable)",
        { Acs: null } => "no ACS capability",
        { Acs: { } acs } => acs.IsolationEnabled ? $"enabled ({acs.Enabled})" : $"present, missing {acs.MissingForIsolation}",
    };
}
