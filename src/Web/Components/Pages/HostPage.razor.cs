using System.Globalization;
using Microsoft.AspNetCore.Components;
using Passthru.Core.Checks;
using Passthru.Core.Scanning;
using Passthru.Web.Model;

namespace Passthru.Web.Components.Pages;

/// <summary>Is this host ready for passthrough? The checks, each with its reason and fix.</summary>
public partial class HostPage
{
    [Inject]
    public required HostModel Model { get; init; }

    internal HostSnapshot? Host { get; private set; }

    private string Verdict => HostChecks.Readiness(Host!.Checks);

    private string CpuName => Host!.Facts.CpuVendor switch
    {
        CpuVendor.Intel => "Intel",
        CpuVendor.Amd => "AMD",
        _ => "unknown",
    };

    private string SoloGroups => Host!.Groups.Count(g => g.Members.Count == 1).ToString(CultureInfo.InvariantCulture);

    protected override async Task OnInitializedAsync() => Host = await Model.ScanAsync();

    private async Task RescanAsync() => Host = await Model.ScanAsync();
}
