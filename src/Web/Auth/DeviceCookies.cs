using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Passthru.Web.Auth;

/// <summary>
/// OWASP's device cookies: a browser that has logged in as a user gets a long-lived cookie naming that user and a
/// random id, sealed with the app's data protection keys. Its next logins as that user are throttled by that
/// cookie's own failures (<see cref="Core.Auth.LoginThrottle"/>), so a stranger guessing the user's password
/// from anywhere cannot keep the owner's browser out.
/// </summary>
/// <remarks>
/// The cookie is no login: it only decides whose failures slow an attempt, and the password is checked as
/// always. One cookie per browser, for the user who logged in last. A cookie that cannot be read (forged,
/// another user's, too old, keys lost in a reinstall) is ignored, and the attempt is throttled like any other.
/// </remarks>
public sealed class DeviceCookies(IDataProtectionProvider protection, TimeProvider time)
{
    public const string CookieName = "passthru.device";

    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(180);

    /// <summary>Longer than any cookie this class writes (a user name of the longest allowed length, sealed); anything longer is not read.</summary>
    private const int MaxCookieLength = 4096;

    private readonly IDataProtector _protector = protection.CreateProtector("Passthru.Auth.DeviceCookie.v1");

    /// <summary>The id of the device cookie <paramref name="request"/> carries for <paramref name="user"/>; null if it carries none that holds.</summary>
    public string? KnownDevice(HttpRequest request, string user)
    {
        if (!request.Cookies.TryGetValue(CookieName, out var sealedValue) || sealedValue is not { Length: > 0 and <= MaxCookieLength })
        {
            return null;
        }

        string payload;
        try
        {
            payload = _protector.Unprotect(sealedValue);
        }
        catch (CryptographicException)
        {
            return null;
        }

        // id|issued (Unix seconds)|user: the user last, so that any character of a user name is safe.
        var parts = payload.Split('|', 3);
        return parts.Length == 3
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var issued)
            && time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(issued) < Lifetime
            && string.Equals(parts[2], user, StringComparison.Ordinal)
                ? parts[0]
                : null;
    }

    /// <summary>Gives the browser a new device cookie for <paramref name="user"/>, who has just logged in.</summary>
    public void Issue(HttpContext context, string user)
    {
        var now = time.GetUtcNow();
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var payload = string.Create(CultureInfo.InvariantCulture, $"{id}|{now.ToUnixTimeSeconds()}|{user}");
        context.Response.Cookies.Append(CookieName, _protector.Protect(payload), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            // Only the login form needs it.
            Path = LoginRedirects.LoginPath,
            Expires = now + Lifetime,
            IsEssential = true,
        });
    }
}
