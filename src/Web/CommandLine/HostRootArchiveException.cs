namespace Passthru.Web.CommandLine;

/// <summary>The capture archive named as the host root cannot be unpacked; the message says why.</summary>
public sealed class HostRootArchiveException(string message, Exception inner) : Exception(message, inner);
