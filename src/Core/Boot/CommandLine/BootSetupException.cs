namespace Passthru.Core.Boot.CommandLine;

/// <summary>The boot setup cannot be changed safely (not recognised, or a file this edit will not guess at); nothing was written.</summary>
public sealed class BootSetupException(string message) : Exception(message);
