namespace Passthru.Core.History;

/// <summary>
/// Who asked for an operation, as the history records it: a logged-in user, an API token
/// (<c>token NAME</c>), the command line, or without login the browser's address alone.
/// </summary>
/// <param name="Address">The remote address the request came from; null from the command line.</param>
public sealed record Actor(string Name, string? Address);
