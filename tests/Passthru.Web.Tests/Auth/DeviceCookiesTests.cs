using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Passthru.Web.Auth;

namespace Passthru.Web.Tests.Auth;

public sealed class DeviceCookiesTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly EphemeralDataProtectionProvider _keys = new();

    [Fact]
    public void ACookieIssuedAtALogin_IsKnown_ForThatUserOnly()
    {
        var cookies = new DeviceCookies(_keys, _clock);
        var issued = Issue(cookies, "ann");

        var forAnn = cookies.KnownDevice(Presenting(issued), "ann");

        Assert.NotNull(forAnn);
        Assert.Null(cookies.KnownDevice(Presenting(issued), "root"));
        Assert.Null(cookies.KnownDevice(Presenting(issued), "Ann"));
    }

    [Fact]
    public void EachLogin_GetsANewId()
    {
        var cookies = new DeviceCookies(_keys, _clock);

        Assert.NotEqual(cookies.KnownDevice(Presenting(Issue(cookies, "ann")), "ann"), cookies.KnownDevice(Presenting(Issue(cookies, "ann")), "ann"));
    }

    [Fact]
    public void ACookieTooOld_Tampered_OrSealedWithOtherKeys_IsNotKnown()
    {
        var cookies = new DeviceCookies(_keys, _clock);
        var issued = Issue(cookies, "ann");
        var otherKeys = new DeviceCookies(new EphemeralDataProtectionProvider(), _clock);
        var tampered = issued[..^2] + (issued[^2] == 'A' ? "B" : "A") + issued[^1];

        Assert.Null(otherKeys.KnownDevice(Presenting(issued), "ann"));
        Assert.Null(cookies.KnownDevice(Presenting(tampered), "ann"));
        Assert.Null(cookies.KnownDevice(Presenting(new string('A', 100_000)), "ann"));
        _clock.Advance(DeviceCookies.Lifetime);
        Assert.Null(cookies.KnownDevice(Presenting(issued), "ann"));
    }

    [Fact]
    public void TheCookie_IsHttpOnly_Strict_ForTheLoginFormOnly_AndSecureOverHttps()
    {
        var cookies = new DeviceCookies(_keys, _clock);
        var context = new DefaultHttpContext();
        context.Request.IsHttps = true;

        cookies.Issue(context, "ann");
        var header = context.Response.Headers.SetCookie.Single()!;

        Assert.StartsWith(DeviceCookies.CookieName + "=", header, StringComparison.Ordinal);
        Assert.Contains("path=/login", header, StringComparison.Ordinal);
        Assert.Contains("secure", header, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", header, StringComparison.Ordinal);
        Assert.Contains("httponly", header, StringComparison.Ordinal);
        Assert.Contains("expires=", header, StringComparison.Ordinal);
    }

    /// <summary>The sealed value a login's response sets.</summary>
    private static string Issue(DeviceCookies cookies, string user)
    {
        var context = new DefaultHttpContext();
        cookies.Issue(context, user);
        var header = context.Response.Headers.SetCookie.Single()!;
        return Uri.UnescapeDataString(header[(DeviceCookies.CookieName.Length + 1)..header.IndexOf(';', StringComparison.Ordinal)]);
    }

    private static HttpRequest Presenting(string value)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = $"{DeviceCookies.CookieName}={Uri.EscapeDataString(value)}";
        return context.Request;
    }
}
