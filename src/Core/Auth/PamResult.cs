namespace Passthru.Core.Auth;

public enum PamOutcome
{
    Authenticated,

    /// <summary>Wrong password or unknown user: PAM does not say which, and neither does Passthru.</summary>
    WrongCredentials,

    /// <summary>The password was right but the account may not be used (expired, locked, password change due).</summary>
    AccountUnusable,

    /// <summary>PAM itself could not answer (libpam missing, a broken service file, a module error).</summary>
    Unavailable,
}

/// <param name="UserName">The account PAM authenticated, as PAM names it (a module may map the typed name).</param>
/// <param name="Detail">PAM's own words, for the log; never shown to the person logging in.</param>
public sealed record PamResult(PamOutcome Outcome, string? UserName, string Detail);
