namespace Passthru.Core.Libvirt;

/// <summary>A guest's state as libvirt reports it (<c>virDomainState</c>, same numbers).</summary>
public enum GuestState
{
    NoState = 0,
    Running = 1,
    Blocked = 2,
    Paused = 3,
    ShuttingDown = 4,
    ShutOff = 5,
    Crashed = 6,
    PmSuspended = 7,
}

public static class GuestStateText
{
    /// <summary>The words virsh uses ("running", "shut off", ...), for the UI.</summary>
    public static string Describe(this GuestState state) => state switch
    {
        GuestState.NoState => "no state",
        GuestState.Running => "running",
        GuestState.Blocked => "idle",
        GuestState.Paused => "paused",
        GuestState.ShuttingDown => "in shutdown",
        GuestState.ShutOff => "shut off",
        GuestState.Crashed => "crashed",
        GuestState.PmSuspended => "pmsuspended",
        _ => "unknown",
    };
}
