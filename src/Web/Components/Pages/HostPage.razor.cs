using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Passthru.Core.Boot;
using Passthru.Core.Boot.CommandLine;
using Passthru.Core.Checks;
using Passthru.Core.History;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;
using Passthru.Web.Components.Dialogs;
using Passthru.Web.Model;

namespace Passthru.Web.Components.Pages;

/// <summary>Is this host ready for passthrough? The checks, each with its reason and fix.</summary>
public partial class HostPage
{
    [Inject]
    public required HostModel Model { get; init; }

    [Inject]
    public required BootClaimService BootClaims { get; init; }

    [Inject]
    public required CommandLineApplier Applier { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    internal HostSnapshot? Host { get; private set; }

    /// <summary>The claims at boot and what this boot did with them.</summary>
    internal IReadOnlyList<ClaimStatus> Claims { get; private set; } = [];

    internal string? ClaimsProblem { get; private set; }

    /// <summary>The scan's checks and the claims' check: a claim not applied as intended makes the host "Not ready".</summary>
    internal IReadOnlyList<HostCheck> Checks { get; private set; } = [];

    /// <summary>The boot setup, the configured line and whether a reboot is pending (read from files; changes only by an Apply or by hand).</summary>
    internal CommandLineStatus? Boot { get; private set; }

    private string Verdict => HostChecks.Readiness(Checks);

    private string CpuName => Host!.Facts.CpuVendor switch
    {
        CpuVendor.Intel => "Intel",
        CpuVendor.Amd => "AMD",
        _ => "unknown",
    };

    private string SoloGroups => Host!.Groups.Count(g => g.Members.Count == 1).ToString(CultureInfo.InvariantCulture);

    protected override Task OnInitializedAsync() => RescanAsync();

    private async Task RescanAsync()
    {
        // The boot status first: the page (and a test waiting for Host) treats Host as the sign that everything is loaded.
        Boot = await Task.Run(Applier.Status);
        var host = await Model.ScanAsync();
        HostCheck claimsCheck;
        try
        {
            (Claims, ClaimsProblem) = (BootClaims.Inspect(host), null);
            claimsCheck = BootClaimCheck.Of(Claims);
        }
        catch (ClaimManifestException ex)
        {
            (Claims, ClaimsProblem) = ([], ex.Message);
            claimsCheck = BootClaimCheck.Damaged(ex);
        }

        (Host, Checks) = (host, [.. host.Checks, claimsCheck]);
    }

    private async Task ReleaseAsync(PciAddress address)
    {
        await Dialogs.OpenBootClaimAsync(OperationAction.ReleaseAtBoot, address, null);
        await RescanAsync();
    }

    /// <summary>A check's command line fix that Apply can make here: only on a recognised boot setup, only from the allowed parameters.</summary>
    private ParameterChange? ApplicableChange(HostCheck check)
        => check.KernelLine is { } line && Boot?.Setup.IsRecognised == true && ParameterChange.TryCreate(line.Add, line.Remove, out var change, out _) ? change : null;

    private async Task ApplyAsync(HostCheck check, ParameterChange change)
    {
        if (await Dialogs.OpenKernelLineAsync($"Apply: {check.Title}", change) is not null)
        {
            Boot = await Task.Run(Applier.Status);
        }
    }
}
