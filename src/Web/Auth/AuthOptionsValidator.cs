using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Passthru.Web.Auth;

/// <summary>Refuses to start on login settings that cannot work or could be abused, naming the setting.</summary>
public sealed partial class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        // A service name becomes a file name under /etc/pam.d: a plain name, never a path.
        if (!PamServiceName().IsMatch(options.PamService))
        {
            failures.Add($"Passthru:Auth:PamService '{options.PamService}' is not a PAM service name (letters, digits, '.', '_', '-'; no paths).");
        }

        if (options.AllowedGroups?.Any(string.IsNullOrWhiteSpace) == true)
        {
            failures.Add("Passthru:Auth:AllowedGroups has an empty group name.");
        }

        if (options.SessionIdleMinutes is < 1 or > 24 * 60)
        {
            failures.Add($"Passthru:Auth:SessionIdleMinutes is {options.SessionIdleMinutes}; use 1 to 1440.");
        }

        if (options.SessionMaxHours is < 1 or > 24 * 30)
        {
            failures.Add($"Passthru:Auth:SessionMaxHours is {options.SessionMaxHours}; use 1 to 720.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex PamServiceName();
}
