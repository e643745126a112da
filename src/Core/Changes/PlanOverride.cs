using Passthru.Core.Safety;

namespace Passthru.Core.Changes;

/// <summary>What a forced change overrode, as the history keeps it: the refusals' reasons, and the fingerprint of the plan they were part of.</summary>
public sealed record PlanOverride(IReadOnlyList<string> Refusals, string Fingerprint);
