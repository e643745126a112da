using System.Net;
using Passthru.Core.Binding;
using Passthru.Core.History;
using Passthru.Core.Safety;

namespace Passthru.Core.Guests;

/// <summary>The start of a stopped guest.</summary>
/// <param name="Force">Start although the host loses something it uses (the plan's overridable refusals).</param>
/// <param name="SeenPlan">The fingerprint of the plan the person confirmed: if the plan is different now, nothing is done.</param>
/// <param name="ConnectionAddress">Where the request's connection meets this host's network (see <see cref="Safety.DetachRules"/>); a guest that would take the interface carrying it never starts from here.</param>
public sealed record GuestStartRequest(string Guest, Actor Actor, bool DryRun = false, bool Force = false, string? SeenPlan = null, IPAddress? ConnectionAddress = null);

/// <summary>The plan of a start (the detach libvirt will do of the guest's managed devices) and its outcome.</summary>
public sealed record GuestStartResult(BindingPlan Plan, OperationStatus? Status, string Message, long? OperationId)
{
    /// <summary>Refused because the plan differs from the one the person saw: nothing was done or journaled.</summary>
    public bool PlanChanged { get; init; }

    /// <summary>For a dry run: the change that is running now, if any.</summary>
    public string? ChangeInProgress { get; init; }

    /// <summary>
    /// The plan's refusals nobody has confirmed: those that cannot be overridden, and those that were not overridden when the
    /// devices were given to this guest. The start asks for a confirmation only when there are some.
    /// </summary>
    public IReadOnlyList<Refusal> Unconfirmed { get; init; } = [];
}
