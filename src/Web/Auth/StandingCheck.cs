using System.Globalization;
using System.Security.Claims;
using Passthru.Core.Auth;

namespace Passthru.Web.Auth;

/// <summary>
/// Whether an identified user may still use Passthru: a login's session is live and its account is still in
/// an allowed group; a token is not revoked and its maker still may; a local user (logins off) is root,
/// the account Passthru runs as, or in an allowed group. Asked on every request and again, every few
/// seconds, for the streams and circuits that outlive their request (<see cref="StandingWatch"/>).
/// </summary>
/// <remarks>Accounts come from <see cref="AccountDirectory"/>, so a group change counts within its lifetime.</remarks>
public sealed class StandingCheck(SessionStore sessions, ApiTokenStore tokens, AccountDirectory accounts, HostLogin login)
{
    private static readonly uint ProcessUid = HostAccounts.ProcessUid;

    /// <summary>Null when the user may go on; else why not, in words for the person or script refused.</summary>
    public async ValueTask<string?> RefusalAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var name = user.Identity?.Name ?? "";
        if (user.FindFirst(PassthruClaims.LocalUid)?.Value is { } uidText)
        {
            return await LocalUserRefusalAsync(name, uint.Parse(uidText, CultureInfo.InvariantCulture), cancellationToken);
        }

        if (user.FindFirst(PassthruClaims.TokenId)?.Value is { } tokenId)
        {
            var owner = user.FindFirst(PassthruClaims.TokenOwner)?.Value ?? "";
            return !await tokens.IsLiveAsync(long.Parse(tokenId, CultureInfo.InvariantCulture), cancellationToken)
                ? $"The token {name["token ".Length..]} was revoked."
                : await AccountRefusalAsync(owner, $"The token's maker, {owner},", cancellationToken);
        }

        if (user.FindFirst(PassthruClaims.Session)?.Value is { } session)
        {
            return !sessions.IsLive(session)
                ? "The session ended: log in again."
                : await AccountRefusalAsync(name, name, cancellationToken);
        }

        return "Not logged in.";
    }

    private async ValueTask<string?> AccountRefusalAsync(string name, string who, CancellationToken cancellationToken)
        => await accounts.FindAsync(name, cancellationToken) is { } account && login.Policy.Allows(account)
            ? null
            : $"{who} may no longer use Passthru: only root and members of {Groups} may.";

    private async ValueTask<string?> LocalUserRefusalAsync(string name, uint uid, CancellationToken cancellationToken)
    {
        if (uid == 0 || uid == ProcessUid
            || (await accounts.FindByUidAsync(uid, cancellationToken) is { } account && login.Policy.Allows(account)))
        {
            return null;
        }

        var runner = ProcessUid == 0 ? "" : $", {(await accounts.FindByUidAsync(ProcessUid, cancellationToken))?.Name ?? "the user running Passthru"}";
        return $"{name} may not use Passthru on this host. Logins are off, so only root{runner} and members of {Groups} may, " +
            "from this host. Ask an administrator to add you to one of those groups, or to turn logins on (Passthru:Auth:Enabled).";
    }

    private string Groups => string.Join(", ", login.Policy.AllowedGroups);
}
