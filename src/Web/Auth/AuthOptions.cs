namespace Passthru.Web.Auth;

/// <summary>The <c>Passthru:Auth</c> configuration section: who may log in, and how.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Passthru:Auth";

    /// <summary>The groups whose members may log in when none are configured. Root always may.</summary>
    public static readonly IReadOnlyList<string> DefaultAllowedGroups = ["wheel", "sudo"];

    /// <summary>
    /// Logins with host accounts. Off by default, and then the dashboard listens on loopback only;
    /// on, every page, the hub and the API need a logged-in user or an API token.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Groups whose members may log in (root always may). Null means <see cref="DefaultAllowedGroups"/>;
    /// a configured list replaces them rather than adding to them.
    /// </summary>
    public string[]? AllowedGroups { get; set; }

    /// <summary>
    /// The PAM service whose stack checks passwords: <c>/etc/pam.d/passthru</c>, installed by
    /// deploy/install.sh. When that file is missing, <c>login</c>'s stack is used (and the log says so).
    /// </summary>
    public string PamService { get; set; } = "passthru";

    /// <summary>A session ends after this long without a page load or API call; an open dashboard tab keeps it alive.</summary>
    public int SessionIdleMinutes { get; set; } = 60;

    /// <summary>A session ends this long after the login, however active.</summary>
    public int SessionMaxHours { get; set; } = 12;

    /// <summary>
    /// Listen beyond loopback over plain HTTP. Only for a TLS-terminating proxy in front of Passthru:
    /// otherwise passwords and session cookies would cross the network in clear text.
    /// </summary>
    public bool AllowPlainHttp { get; set; }

    public IReadOnlyList<string> EffectiveAllowedGroups => AllowedGroups is { Length: > 0 } groups ? groups : DefaultAllowedGroups;
}
