using Passthru.Core.Boot;

namespace Passthru.Web.Api;

/// <summary><c>GET /api/boot</c>: where the boot files go, the initramfs tool, and each claim with what the kernel did with it.</summary>
public sealed record BootResponse(string ConfigRoot, string? Initramfs, string? RegenerateCommand, IReadOnlyList<ClaimStatusResponse> Claims)
{
    public static BootResponse Of(BootClaimService service, IReadOnlyList<ClaimStatus> statuses)
    {
        var tool = InitramfsTool.Find(service.Files.Root);
        return new BootResponse(service.Files.Root.Path, tool?.Name, tool?.RegenerateCommand, statuses.Select(ClaimStatusResponse.Of).ToArray());
    }
}

/// <param name="State">Applied, Pending (claimed during this boot), GroupChanged, NotApplied, OtherCard, DeviceMissing, FileMissing or FileEdited.</param>
/// <param name="Found">The card at the address now (<c>8086:293e, subsystem 1af4:1100</c>); null when there is none.</param>
public sealed record ClaimStatusResponse(string Address, string Name, string Ids, string SubsystemIds, int? SavedGroup, int? Group, string? Driver,
    ClaimState State, string Message, string? Fix, string? Found, DateTimeOffset ClaimedAt, string ClaimedBy, string RuleFile)
{
    public static ClaimStatusResponse Of(ClaimStatus s) => new(
        s.Address.ToString(), s.Claim.Name, s.Claim.Card.Ids, s.Claim.Card.SubsystemIds, s.Claim.Group, s.Group, s.Driver, s.State, s.Message, s.Fix,
        s.Found?.ToString(), s.Claim.ClaimedAt, s.Claim.ClaimedBy, "/" + ClaimRule.PathOf(s.Address));
}

/// <summary>A file a claim or release writes or deletes: its text before and after, so the caller sees exactly what changes.</summary>
public sealed record BootFileResponse(string Path, string Change, string Why, string? Before, string? After);

/// <summary>The answer to a claim or release (and its dry run).</summary>
/// <param name="Detach">For a claim: what the host would lose, as a detach's dry run says it.</param>
/// <param name="Fingerprint">Of this plan: send it back as <c>plan</c> to act only on what was seen.</param>
public sealed record ClaimResultResponse(string Action, string Target, string? Status, bool DryRun, string Message, long? OperationId,
    IReadOnlyList<ClaimedDeviceResponse> Claims, IReadOnlyList<PlannedDeviceResponse> Detach, IReadOnlyList<BootFileResponse> Files,
    string? Initramfs, string? RegenerateCommand, bool WillRegenerate, IReadOnlyList<string> Notes, IReadOnlyList<RefusalResponse> Refusals, string Fingerprint)
{
    public static ClaimResultResponse Of(BootClaimResult result)
    {
        var plan = result.Plan;
        return new ClaimResultResponse(plan.Action.ToString(), plan.Target, result.Status?.ToString(), result.IsDryRun, result.Message, result.OperationId,
            plan.Claims.Select(c => new ClaimedDeviceResponse(c.Address.ToString(), c.Name, c.Card.Ids, c.Card.SubsystemIds, c.Group, c.HostModule)).ToArray(),
            plan.Detach?.Devices.ToResponse() ?? [],
            plan.Changes.Select(c => new BootFileResponse("/" + c.Path, c.Verb, c.Why, c.Before, c.After)).ToArray(),
            plan.Initramfs?.Name, plan.Initramfs?.RegenerateCommand, plan.WillRegenerate, plan.Notes, plan.Refusals.ToResponse(), plan.Fingerprint);
    }
}

public sealed record ClaimedDeviceResponse(string Address, string Name, string Ids, string SubsystemIds, int? Group, string? HostModule);
