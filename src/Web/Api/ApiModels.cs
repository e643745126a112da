using Passthru.Core.Advice;
using Passthru.Core.Checks;
using Passthru.Core.Iommu;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;

namespace Passthru.Web.Api;

// The JSON API's shapes, kept apart from the domain records so the API stays stable as the model grows.
// Serialised camelCase; enums as strings; addresses as "0000:04:00.6"; IDs as 4 hex digits.

public sealed record HostResponse(
    DateTimeOffset ScannedAt, string HostRoot, string CpuVendor, string Distribution, string KernelCommandLine,
    IReadOnlyList<string> IommuUnits, int IommuGroupCount, int DeviceCount,
    IReadOnlyList<CheckResponse> Checks, IReadOnlyList<string> Warnings);

public sealed record CheckResponse(string Id, string Title, CheckStatus Status, string Reason, string? Fix);

public sealed record DeviceResponse(
    string Address, string? VendorId, string? DeviceId, string? SubsystemVendorId, string? SubsystemDeviceId,
    string? ClassCode, string? Revision, string? VendorName, string? DeviceName, string? SubsystemVendorName, string? SubsystemName,
    string? ClassName, string? Driver, string? DriverOverride, int? IommuGroup, bool IsBridge, IReadOnlyList<string> ParentChain,
    IReadOnlyList<string> MultifunctionSiblings, bool? BootVga, IReadOnlyList<string> ResetMethods, int? NumaNode,
    SriovResponse? Sriov, IReadOnlyList<string> HostInterfaces, string? PcieType, AcsResponse? Acs, string SysfsPath,
    IReadOnlyList<string> Warnings);

public sealed record SriovResponse(int TotalVfs, int NumVfs, IReadOnlyList<string> VirtualFunctions, string? PhysicalFunction);

/// <summary>ACS as found in config space; <c>known</c> is false when config space could not be read in full.</summary>
public sealed record AcsResponse(bool Known, bool Present, string? Capabilities, string? Enabled);

public sealed record DeviceDetailResponse(DeviceResponse Device, GroupResponse? Group, AssessmentResponse Passthrough);

public sealed record AssessmentResponse(PassthroughVerdict Verdict, string Summary, IReadOnlyList<string> Blockers,
    IReadOnlyList<string> Cautions, IReadOnlyList<WayOutResponse> WaysOut);

public sealed record WayOutResponse(WayOutKind Kind, string Title, string Details, IReadOnlyList<string> Devices);

public sealed record GroupResponse(int Number, string? Type, bool Viable, IReadOnlyList<string> Members, IReadOnlyList<ReasonResponse> SharedBecause);

public sealed record ReasonResponse(IsolationReasonKind Kind, string? Culprit, IReadOnlyList<string> Affected, string Explanation);

internal static class ApiMapping
{
    public static HostResponse ToResponse(this HostSnapshot host, string hostRoot) => new(
        host.ScannedAt, hostRoot, host.Facts.CpuVendor.ToString(), host.Facts.Os.PrettyName, host.CommandLine.Text,
        host.Facts.IommuUnits, host.Groups.Count, host.Devices.Count,
        host.Checks.Select(c => new CheckResponse(c.Id, c.Title, c.Status, c.Reason, c.Fix)).ToArray(),
        host.Warnings);

    public static DeviceResponse ToResponse(this PciDevice d) => new(
        d.Address.ToString(), Hex4(d.VendorId), Hex4(d.DeviceId), Hex4(d.SubsystemVendorId), Hex4(d.SubsystemDeviceId),
        d.ClassCode is { } c ? $"{c:x6}" : null, d.Revision is { } r ? $"{r:x2}" : null,
        d.Names.Vendor, d.Names.Device, d.Names.SubsystemVendor, d.Names.Subsystem, d.Names.Class,
        d.Driver, d.DriverOverride, d.IommuGroup, d.IsBridge, Strings(d.ParentChain), Strings(d.MultifunctionSiblings),
        d.BootVga, d.ResetMethods, d.NumaNode,
        d.Sriov is { } s ? new SriovResponse(s.TotalVfs, s.NumVfs, Strings(s.VirtualFunctions), s.PhysicalFunction?.ToString()) : null,
        d.HostInterfaces.Select(i => i.ToString()).ToArray(),
        d.Config?.DeviceType?.ToString(),
        d.Config is { } config && config.IsPciExpress
            ? new AcsResponse(config.ExtendedCapabilitiesKnown, config.Acs is not null, config.Acs?.Capabilities.ToString(), config.Acs?.Enabled.ToString())
            : null,
        d.SysfsPath, d.Warnings);

    public static GroupResponse ToResponse(this IommuGroup g) => new(
        g.Number, g.Type, g.IsViable, Strings(g.Members),
        g.SharedBecause.Select(r => new ReasonResponse(r.Kind, r.Culprit?.ToString(), Strings(r.Affected), r.Explanation)).ToArray());

    public static AssessmentResponse ToResponse(this PassthroughAssessment a) => new(
        a.Verdict, a.Summary, a.Blockers.Select(b => b.Address.ToString()).ToArray(), a.Cautions,
        a.WaysOut.Select(w => new WayOutResponse(w.Kind, w.Title, w.Details, Strings(w.Devices))).ToArray());

    private static string? Hex4(ushort? value) => value is { } v ? $"{v:x4}" : null;

    private static string[] Strings<T>(IEnumerable<T> items) => items.Select(i => i!.ToString()!).ToArray();
}
