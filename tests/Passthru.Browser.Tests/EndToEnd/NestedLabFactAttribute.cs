using Passthru.TestSupport;

namespace Passthru.Browser.Tests.EndToEnd;

/// <summary>
/// The end-to-end scenario in the nested lab. It runs wherever qemu can: under TCG, so no /dev/kvm is
/// needed. Skipped, with the reason, only where it cannot run at all: no qemu, not root (the lab shares
/// this machine's root with its guest and runs libvirtd there), or outside the test command, which
/// publishes the app and makes the login account (PASSTHRU_PUBLISHED_APP, PASSTHRU_TEST_ADMIN).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NestedLabFactAttribute : FactAttribute
{
    public const string QemuPath = "/usr/bin/qemu-system-x86_64";

    public NestedLabFactAttribute()
    {
        Skip = CannotRunReason();
    }

    private static string? CannotRunReason()
    {
        if (!File.Exists(QemuPath))
        {
            return $"qemu cannot run here: {QemuPath} is missing (apt-get install qemu-system-x86; ./test.sh installs it)";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "the nested lab needs root: it shares this machine's / with its guest and runs libvirtd in it";
        }

        if (Environment.GetEnvironmentVariable(PublishedAppFactAttribute.Variable) is not { Length: > 0 } app || !File.Exists(app))
        {
            return $"needs the published app, which runs inside the lab: run ./test.sh (it publishes and sets {PublishedAppFactAttribute.Variable})";
        }

        return PamTestAccounts.MissingReason;
    }
}
