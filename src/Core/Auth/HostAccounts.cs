using System.Runtime.InteropServices;
using Passthru.Core.Auth.Native;

namespace Passthru.Core.Auth;

/// <summary>A host account as the name service knows it (files, LDAP, sssd: whatever NSS is set up with).</summary>
/// <param name="Groups">Every group the account is in: its primary group and the supplementary ones.</param>
public sealed record HostAccount(string Name, uint Uid, IReadOnlyList<string> Groups)
{
    public bool IsRoot => Uid == 0;
}

/// <summary>Looks accounts up through libc (getpwnam_r, getgrouplist, getgrgid_r), so NSS sources count too.</summary>
public static class HostAccounts
{
    /// <summary>The user this process runs as (its effective uid).</summary>
    public static uint ProcessUid => LibC.EffectiveUserId();

    /// <summary>The account with this uid; null when the name service has none.</summary>
    public static HostAccount? FindByUid(uint uid)
        => LibC.UserName(uid) is { } name && Find(name) is { } account && account.Uid == uid ? account : null;

    /// <summary>Null when no such account exists.</summary>
    public static HostAccount? Find(string name)
    {
        if (name.Length == 0 || name.Contains('\0', StringComparison.Ordinal) || LibC.FindUser(name) is not { } user)
        {
            return null;
        }

        var groups = LibC.GroupIds(name, user.Gid)
            .Select(gid => LibC.GroupName(gid) ?? gid.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        return new HostAccount(name, user.Uid, groups);
    }
}
