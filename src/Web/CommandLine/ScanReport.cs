using Passthru.Core.Advice;
using Passthru.Core.Scanning;
using Passthru.Web.Api;

namespace Passthru.Web.CommandLine;

/// <summary>
/// <c>scan --json</c>: every IOMMU group (as <c>GET /api/groups</c> gives it) and every device with the
/// passthrough assessment the dashboard shows. No scan time and no host root: two scans of the same
/// host state print the same bytes, so <c>diff</c> shows what changed (after a firmware update, say).
/// </summary>
public sealed record ScanReport(IReadOnlyList<GroupResponse> Groups, IReadOnlyList<ScannedDevice> Devices, IReadOnlyList<string> Warnings)
{
    public static ScanReport From(HostSnapshot host) => new(
        host.Groups.Select(g => g.ToResponse()).ToArray(),
        host.Devices.Select(d => new ScannedDevice(d.ToResponse(), PassthroughAdvisor.Assess(host, d).ToResponse())).ToArray(),
        host.Warnings);
}

/// <summary>One device and whether a guest can have it (the verdict, why, and the ways out).</summary>
public sealed record ScannedDevice(DeviceResponse Device, AssessmentResponse Passthrough);
