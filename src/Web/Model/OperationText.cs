using Passthru.Core.History;

namespace Passthru.Web.Model;

/// <summary>How actions and results read on the pages: the history's table and its filters say the same words.</summary>
public static class OperationText
{
    public static string Action(OperationAction action) => action switch
    {
        OperationAction.Detach => "detach",
        OperationAction.Reattach => "give back to host",
        OperationAction.AttachToGuest => "attach to guest",
        OperationAction.DetachFromGuest => "detach from guest",
        OperationAction.StartGuest => "start guest",
        OperationAction.ShutdownGuest => "shut down guest",
        OperationAction.ForceOffGuest => "force off guest",
        OperationAction.CreateToken => "make API token",
        OperationAction.RevokeToken => "revoke API token",
        OperationAction.PruneHistory => "prune history",
        OperationAction.ClaimAtBoot => "claim at boot",
        OperationAction.ReleaseAtBoot => "release at boot",
        OperationAction.BootCheck => "boot check",
        OperationAction.ApplyKernelCommandLine => "apply kernel command line",
        _ => action.ToString(),
    };

    public static string Status(OperationStatus status) => status switch
    {
        OperationStatus.RolledBack => "failed, undone",
        OperationStatus.Pending => "in progress",
        _ => status.ToString().ToLowerInvariant(),
    };
}
