using System.Globalization;
using System.Net;
using Passthru.Core.Host;

namespace Passthru.Core.Auth;

public enum LoginOutcome
{
    LoggedIn,
    WrongCredentials,

    /// <summary>The password was right, but the account is in none of the allowed groups.</summary>
    NotAllowed,
    AccountUnusable,
    Throttled,
    Unavailable,
}

/// <param name="User">The account logged in, as PAM names it.</param>
/// <param name="Message">
/// What the person logging in is told: plain, and the same for an unknown user, a wrong password and an account that
/// may not log in (anything else would tell a guesser that the password was right).
/// </param>
/// <param name="Detail">What the log gets: PAM's words, the groups the account has, which refusal it was.</param>
public sealed record LoginResult(LoginOutcome Outcome, string? User, string Message, string Detail, TimeSpan? RetryAfter = null);

/// <summary>Who may log in: a PAM service's password check, and membership of an allowed group (root always).</summary>
public sealed record LoginPolicy(string PamService, IReadOnlyList<string> AllowedGroups)
{
    public bool Allows(HostAccount account)
        => account.IsRoot || account.Groups.Any(group => AllowedGroups.Contains(group, StringComparer.Ordinal));
}

/// <summary>
/// A dashboard login with a host account: throttled, checked by PAM, then by group. Runs PAM on its own
/// threads, a few at a time, because a wrong password holds the thread for PAM's failure delay.
/// </summary>
/// <remarks>The account is looked up afresh at a login, and kept in <paramref name="accounts"/> for the checks that follow.</remarks>
public sealed class HostLogin(LoginPolicy policy, LoginThrottle throttle, AccountDirectory? accounts = null, TimeProvider? time = null)
{
    public const int MaxUserNameLength = 256;
    public const int MaxPasswordLength = 4096;

    /// <summary>pam_unix's failure delay: how long a wrong password is assumed to take until one has been timed.</summary>
    public static readonly TimeSpan AssumedPamFailureDelay = TimeSpan.FromSeconds(2);

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>How long the latest wrong password's PAM conversation took (ticks).</summary>
    private long _wrongPasswordTook = AssumedPamFailureDelay.Ticks;

    private readonly SemaphoreSlim _conversations = new(4);

    public LoginPolicy Policy => policy;

    public Task<LoginResult> LogInAsync(string user, string password, IPAddress? address, CancellationToken cancellationToken = default)
        => LogInAsync(user, password, address, knownDevice: null, cancellationToken);

    /// <param name="knownDevice">The id of the browser's device cookie, checked to be this user's; null if it has none (see <see cref="LoginThrottle"/>).</param>
    public async Task<LoginResult> LogInAsync(string user, string password, IPAddress? address, string? knownDevice, CancellationToken cancellationToken = default)
    {
        if (!IsWellFormedUserName(user) || password.Length > MaxPasswordLength)
        {
            // Counted against the address: garbage must cost the sender as much as a guess does.
            return throttle.TryBeginMalformed(address) is { } malformedWait
                ? Throttled(malformedWait)
                : new LoginResult(LoginOutcome.WrongCredentials, null, WrongCredentialsMessage,
                    string.Create(CultureInfo.InvariantCulture, $"a malformed user name ({user.Length} characters) or an oversized password ({password.Length} characters)"));
        }

        if (throttle.TryBegin(user, address, knownDevice) is { } wait)
        {
            return Throttled(wait);
        }

        await _conversations.WaitAsync(cancellationToken);
        PamResult pam;
        var started = _time.GetTimestamp();
        try
        {
            pam = await Task.Factory.StartNew(
                () => PamAuthenticator.Authenticate(policy.PamService, user, password, address?.ToString()),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        finally
        {
            _conversations.Release();
        }

        var took = _time.GetElapsedTime(started);
        var result = Decide(pam);
        switch (result.Outcome)
        {
            case LoginOutcome.LoggedIn:
                throttle.Succeeded(user, address, knownDevice);
                break;
            case LoginOutcome.WrongCredentials:
                Interlocked.Exchange(ref _wrongPasswordTook, took.Ticks);
                break;
            case LoginOutcome.NotAllowed or LoginOutcome.AccountUnusable:
                // A wrong password costs PAM's failure delay and a right one does not: a refusal after the right
                // password takes as long as a wrong one, or its speed would tell a guesser what its words do not.
                var rest = TimeSpan.FromTicks(Interlocked.Read(ref _wrongPasswordTook)) - took;
                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest, _time, cancellationToken);
                }

                break;
        }

        return result;
    }

    /// <summary>
    /// Whether <paramref name="user"/> can be an account name worth asking PAM about: not empty, not longer than
    /// <see cref="MaxUserNameLength"/>, and without characters that change how a log line reads (control
    /// characters such as CR, LF and ESC, line separators, invisible format characters).
    /// </summary>
    public static bool IsWellFormedUserName(string user)
        => user.Length is > 0 and <= MaxUserNameLength && PrintableText.IsPrintable(user)
            // Wider than what PrintableText replaces: every format character (zero-width, soft hyphens), which no
            // account name has and which hide what was typed.
            && !user.Any(c => CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format);

    private static LoginResult Throttled(TimeSpan wait)
    {
        var seconds = (int)Math.Ceiling(wait.TotalSeconds);
        return new LoginResult(LoginOutcome.Throttled, null, $"Too many failed logins. Try again in {seconds} s.", $"throttled for {seconds} s", wait);
    }

    private const string WrongCredentialsMessage = "Wrong user name or password.";

    private LoginResult Decide(PamResult pam)
    {
        switch (pam.Outcome)
        {
            case PamOutcome.WrongCredentials:
                return new LoginResult(LoginOutcome.WrongCredentials, null, WrongCredentialsMessage, pam.Detail);
            case PamOutcome.AccountUnusable:
                return new LoginResult(LoginOutcome.AccountUnusable, null, WrongCredentialsMessage, $"the password was right, but the account may not log in now (expired, locked, or its password must be changed): {pam.Detail}");
            case PamOutcome.Unavailable:
                return new LoginResult(LoginOutcome.Unavailable, null, "Logging in is not possible right now: the host's PAM setup failed. The dashboard's log says why.", pam.Detail);
        }

        var user = pam.UserName!;
        if ((accounts is null ? HostAccounts.Find(user) : accounts.Refresh(user)) is not { } account)
        {
            return new LoginResult(LoginOutcome.Unavailable, null, "Logging in is not possible right now: the account was not found after PAM accepted it.", $"no passwd entry for {user}");
        }

        return policy.Allows(account)
            ? new LoginResult(LoginOutcome.LoggedIn, account.Name, "Logged in.", "authenticated")
            : new LoginResult(LoginOutcome.NotAllowed, null, WrongCredentialsMessage,
                $"the password was right, but {account.Name} is in none of the allowed groups ({string.Join(", ", policy.AllowedGroups)}); its groups: {string.Join(", ", account.Groups)}");
    }
}
