using Passthru.Core.Binding;
using Passthru.Core.Changes;
using Passthru.Core.History;
using Passthru.Core.Safety;

namespace Passthru.Core.Boot;

/// <summary>
/// The dry run of a claim or a release: the claims it adds or removes, the detach plan whose refusals it shares, every
/// file it writes or deletes with its text before and after, and how the initramfs gets rebuilt.
/// </summary>
/// <param name="Detach">For a claim: the detach plan of the same devices (what the host would lose at boot); null for a release.</param>
/// <param name="Regenerate">The command that rebuilds the initramfs, and whether Passthru will run it (else the person does).</param>
public sealed record BootClaimPlan(
    OperationAction Action,
    string Target,
    IReadOnlyList<BootClaim> Claims,
    BindingPlan? Detach,
    IReadOnlyList<BootFileChange> Changes,
    InitramfsTool? Initramfs,
    bool WillRegenerate,
    IReadOnlyList<Refusal> Refusals,
    IReadOnlyList<string> Notes)
{
    public bool IsRefused(bool force) => Refusals.Any(r => !force || !r.CanOverride);

    public bool HasNothingToDo => Changes.Count == 0;

    public string Fingerprint => field ??= PlanFingerprint.Of(
    [
        $"{Action} {Target}",
        .. Claims.Select(c => $"claim {c.Address} {c.Card} group {c.Group} module {c.HostModule}"),
        .. Detach?.Devices.SelectMany(d => d.Losses.Select(l => $"loses {d.Address} {l.Kind} {l.Details}")) ?? [],
        .. Changes.Select(c => $"{c.Verb} {c.Path} {(c.After is null ? "" : ClaimManifest.Hash(c.After))}"),
        $"initramfs {Initramfs?.Name} {WillRegenerate}",
        .. Refusals.FingerprintLines(),
    ]);
}
