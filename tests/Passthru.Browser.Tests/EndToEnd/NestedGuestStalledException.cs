namespace Passthru.Browser.Tests.EndToEnd;

/// <summary>
/// L2 (the nested guest) stopped making progress: its console stayed still past the deadline. Under
/// nested TCG this happens now and then on a healthy L1 (seen twice in five full runs, once before
/// its modules loaded), like the L1 hangs lab.md describes, so it earns the one retry too.
/// </summary>
public sealed class NestedGuestStalledException(string message, Exception inner) : TimeoutException(message, inner);
