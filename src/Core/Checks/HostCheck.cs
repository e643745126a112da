namespace Passthru.Core.Checks;

public enum CheckStatus
{
    Pass,
    Warn,
    Fail,
}

/// <summary>One host readiness check: its verdict in a line, and the fix when it is not a pass.</summary>
public sealed record HostCheck(string Id, string Title, CheckStatus Status, string Reason, string? Fix = null);
