using System.Net;
using Passthru.Core.Auth;
using Passthru.TestSupport;
using Passthru.Web.Auth;

namespace Passthru.Web.Tests.Auth;

/// <summary>
/// A guesser who rotates source addresses and spends every guess the user name's wait allows, against real PAM
/// on real Kestrel: the owner's browser, which has logged in before, must still get in every time.
/// </summary>
public sealed class DeviceCookieLoginTests(KestrelLoginHost host) : IClassFixture<KestrelLoginHost>
{
    private const byte OwnersAddress = 2;

    [PamFact]
    public async Task AGuesserFromRotatingAddresses_NeverKeepsTheOwnersBrowserOut_ButAnotherBrowserIsStillSlowed()
    {
        const int Rounds = 12;
        var owner = new CookieContainer();
        using (var browser = host.BrowserAt(OwnersAddress, owner))
        {
            using var first = await AuthHostFactory.LogInAsync(browser, PamTestAccounts.Admin, PamTestAccounts.AdminPassword);
            Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        }

        // The attack is under way when the owner comes back: the free tries are spent and every guess waits.
        var address = (byte)10;
        for (var i = 0; i <= LoginThrottle.FreeAttempts; i++)
        {
            await GuessAsync(address++);
        }

        var ownerIn = 0;
        var otherBrowserSlowed = 0;
        for (var round = 0; round < Rounds; round++)
        {
            await GuessAsync(address++);

            // The owner's session has ended (idle, a restart): only the device cookie is left in the browser.
            ForgetAllBut(owner, DeviceCookies.CookieName);
            using (var browser = host.BrowserAt(OwnersAddress, owner))
            using (var mine = await AuthHostFactory.LogInAsync(browser, PamTestAccounts.Admin, PamTestAccounts.AdminPassword))
            {
                ownerIn += mine.StatusCode == HttpStatusCode.Redirect ? 1 : 0;
            }

            // The right password from a browser that never logged in: the user name's wait holds it back.
            using (var browser = host.BrowserAt((byte)(200 + round)))
            using (var other = await AuthHostFactory.LogInAsync(browser, PamTestAccounts.Admin, PamTestAccounts.AdminPassword))
            {
                otherBrowserSlowed += other.StatusCode == HttpStatusCode.TooManyRequests ? 1 : 0;
            }
        }

        Assert.Equal(Rounds, ownerIn);
        Assert.Equal(Rounds, otherBrowserSlowed);
    }

    /// <summary>One wrong guess from a fresh address, as soon as the user name's wait has run out: it reaches PAM.</summary>
    private async Task GuessAsync(byte address)
    {
        host.Time.Advance(LoginThrottle.UserCap);
        using var browser = host.BrowserAt(address);
        using var guess = await AuthHostFactory.LogInAsync(browser, PamTestAccounts.Admin, $"guess-{address}");
        Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
    }

    private static void ForgetAllBut(CookieContainer cookies, string name)
    {
        foreach (Cookie cookie in cookies.GetAllCookies())
        {
            cookie.Expired = cookie.Name != name;
        }
    }
}
