namespace Passthru.Web;

/// <summary>The dashboard will not start as configured; the message says why and what to change.</summary>
public sealed class StartupRefusedException(string message) : Exception(message);
