namespace Passthru.Core.History;

/// <summary>The history database cannot be used (locked, damaged, unwritable); the message says which and what to do.</summary>
public sealed class HistoryUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
