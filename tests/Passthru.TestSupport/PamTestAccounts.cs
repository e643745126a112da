using Xunit;

namespace Passthru.TestSupport;

/// <summary>
/// The real host accounts test.sh makes for the login tests (tests/pam-users.sh): one in the sudo
/// group, one outside every allowed group, each with a fresh random password, and the project's PAM
/// service file installed under a test name.
/// </summary>
public static class PamTestAccounts
{
    public static string Service => Variable("PASSTHRU_TEST_PAM_SERVICE");

    public static string Admin => Variable("PASSTHRU_TEST_ADMIN");

    public static string AdminPassword => Variable("PASSTHRU_TEST_ADMIN_PASSWORD");

    public static string Outsider => Variable("PASSTHRU_TEST_OUTSIDER");

    public static string OutsiderPassword => Variable("PASSTHRU_TEST_OUTSIDER_PASSWORD");

    /// <summary>In the sudo group when the run starts; the one test that takes it out of sudo puts it back.</summary>
    public static string Leaver => Variable("PASSTHRU_TEST_LEAVER");

    public static string LeaverPassword => Variable("PASSTHRU_TEST_LEAVER_PASSWORD");

    /// <summary>Null when the accounts exist; else why the login tests cannot run.</summary>
    public static string? MissingReason => Environment.GetEnvironmentVariable("PASSTHRU_TEST_ADMIN") is null
        ? "No test accounts: run through ./test.sh, or eval \"$(tests/pam-users.sh create)\" as root first."
        : null;

    private static string Variable(string name)
        => Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} is not set: {MissingReason}");
}

/// <summary>A test that logs in with a real host account through real PAM: skipped, with the reason, only when test.sh did not make the accounts.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PamFactAttribute : FactAttribute
{
    public PamFactAttribute()
    {
        if (PamTestAccounts.MissingReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A <see cref="PamFactAttribute"/> with cases.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PamTheoryAttribute : TheoryAttribute
{
    public PamTheoryAttribute()
    {
        if (PamTestAccounts.MissingReason is { } reason)
        {
            Skip = reason;
        }
    }
}
