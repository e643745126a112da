namespace Passthru.Core.Changes;

/// <summary>The device or group named in a request is not on this host.</summary>
public sealed class UnknownTargetException(string message) : Exception(message);
