using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Passthru.TestSupport;
using Passthru.Web.Auth;

namespace Passthru.Web.Tests.Auth;

public sealed class SessionStoreTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly SessionStore _store;

    public SessionStoreTests() => _store = new SessionStore(_clock, Options.Create(new AuthOptions { SessionIdleMinutes = 60, SessionMaxHours = 12 }));

    private AuthenticationTicket Ticket(string session)
    {
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, "ann"),
            new Claim(PassthruClaims.Session, session),
            new Claim(PassthruClaims.LoggedInAt, _clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)),
        ], "test");
        // As the cookie handler does at sign-in: the idle end.
        return new AuthenticationTicket(new ClaimsPrincipal(identity), new AuthenticationProperties { ExpiresUtc = _clock.GetUtcNow().AddMinutes(60) }, "test");
    }

    [Fact]
    public async Task ASession_IsKeyedByItsClaim_AndEndsAfterItsIdleTime()
    {
        var key = await _store.StoreAsync(Ticket("s1"));

        _clock.Advance(TimeSpan.FromMinutes(59));
        Assert.NotNull(await _store.RetrieveAsync(key));
        _clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal("s1", key);
        Assert.Null(await _store.RetrieveAsync(key));
        Assert.False(_store.IsLive(key));
    }

    [Fact]
    public async Task AnOpenTab_KeepsItAlive_ButNeverPastTheAbsoluteEnd()
    {
        var key = await _store.StoreAsync(Ticket("s1"));

        for (var minutes = 0; minutes < 11 * 60 + 30; minutes += 30)
        {
            _clock.Advance(TimeSpan.FromMinutes(30));
            _store.KeepAlive(key);
        }

        Assert.True(_store.IsLive(key)); // 12 h less a minute or so after the login, kept alive all along
        _clock.Advance(TimeSpan.FromMinutes(31));
        _store.KeepAlive(key);
        Assert.False(_store.IsLive(key));
    }

    [Fact]
    public async Task ALoggedOutSession_DoesNotComeBackWhenItsCookieIsRenewed()
    {
        var ticket = Ticket("s1");
        var key = await _store.StoreAsync(ticket);

        await _store.RemoveAsync(key);
        await _store.RenewAsync(key, ticket);

        Assert.Null(await _store.RetrieveAsync(key));
    }
}
