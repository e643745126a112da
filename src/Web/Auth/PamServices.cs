using Passthru.Core.Auth;

namespace Passthru.Web.Auth;

/// <summary>Which PAM stack checks passwords: the configured service when its file exists, else <c>login</c>'s.</summary>
internal static class PamServices
{
    public const string Fallback = "login";

    // Where Linux-PAM looks for service files: the admin's, then the vendor's (openSUSE, newer Fedora).
    private static readonly string[] Directories = ["/etc/pam.d", "/usr/lib/pam.d", "/usr/etc/pam.d"];

    public static LoginPolicy Resolve(AuthOptions options, ILogger logger)
    {
        var service = options.PamService;
        if (options.Enabled && !Directories.Any(directory => File.Exists(Path.Combine(directory, service))))
        {
            logger.LogWarning("No PAM service file {Service} in {Directories}: passwords are checked with the {Fallback} service's stack. " +
                "deploy/install.sh installs /etc/pam.d/{Service}.", service, string.Join(", ", Directories), Fallback, service);
            service = Fallback;
        }

        return new LoginPolicy(service, options.EffectiveAllowedGroups);
    }
}
