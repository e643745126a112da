using System.Collections.Concurrent;

namespace Passthru.Core.Auth;

/// <summary>
/// Host accounts for the checks that repeat (every API request with a token, every open tab's
/// revalidation): each name is looked up at most once per <see cref="Lifetime"/>, off the caller's
/// thread. The name service may be LDAP or sssd, where a lookup can take seconds; a group change
/// still counts within a minute. A login itself looks up afresh (<see cref="Refresh"/>).
/// </summary>
public sealed class AccountDirectory(TimeProvider time, Func<string, HostAccount?>? lookup = null, Func<uint, HostAccount?>? lookupUid = null)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly Func<string, HostAccount?> _lookup = lookup ?? HostAccounts.Find;
    private readonly Func<uint, HostAccount?> _lookupUid = lookupUid ?? HostAccounts.FindByUid;
    private readonly ConcurrentDictionary<string, (HostAccount? Account, DateTimeOffset Until)> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<uint, (HostAccount? Account, DateTimeOffset Until)> _knownUids = new();

    /// <summary>The account, as looked up within the last <see cref="Lifetime"/>; null when there is none.</summary>
    public async ValueTask<HostAccount?> FindAsync(string name, CancellationToken cancellationToken = default)
    {
        if (_known.TryGetValue(name, out var known) && known.Until > time.GetUtcNow())
        {
            return known.Account;
        }

        return await Task.Run(() => Refresh(name), cancellationToken);
    }

    /// <summary>The account with this uid (a local connection's owner), as looked up within the last <see cref="Lifetime"/>.</summary>
    public async ValueTask<HostAccount?> FindByUidAsync(uint uid, CancellationToken cancellationToken = default)
    {
        if (_knownUids.TryGetValue(uid, out var known) && known.Until > time.GetUtcNow())
        {
            return known.Account;
        }

        var account = await Task.Run(() => _lookupUid(uid), cancellationToken);
        _knownUids[uid] = (account, time.GetUtcNow() + Lifetime);
        if (_knownUids.Count > 10_000)
        {
            _knownUids.Clear();
        }

        return account;
    }

    /// <summary>Looks the account up now (blocking) and keeps the answer.</summary>
    public HostAccount? Refresh(string name)
    {
        var account = _lookup(name);
        _known[name] = (account, time.GetUtcNow() + Lifetime);
        if (_known.Count > 10_000)
        {
            // Names come from logins and token owners, but bound the memory anyway.
            _known.Clear();
        }

        return account;
    }
}
