namespace Passthru.Core.Checks;

public enum CheckStatus
{
    Pass,
    Warn,
    Fail,
}

/// <summary>One host readiness check: its verdict in a line, and the fix when it is not a pass.</summary>
/// <param name="KernelLine">When the fix is a change to the kernel command line: that change, which the Host page can apply.</param>
public sealed record HostCheck(string Id, string Title, CheckStatus Status, string Reason, string? Fix = null, KernelLineFix? KernelLine = null);
