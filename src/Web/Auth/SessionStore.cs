using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Passthru.Web.Auth;

/// <summary>
/// Login sessions, kept in this process: the cookie carries only a session key. Logging out removes
/// the session here, so a copied cookie stops working too, and open tabs of that session are sent
/// to the login page at their next revalidation. A restart ends every session (log in again).
/// </summary>
public sealed class SessionStore(TimeProvider time, IOptions<AuthOptions> options) : ITicketStore
{
    private readonly ConcurrentDictionary<string, AuthenticationTicket> _tickets = new(StringComparer.Ordinal);

    public int Count => _tickets.Count;

    /// <summary>Raised when a session is logged out, so its streams can be ended at once.</summary>
    public event Action? Ended;

    public Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        RemoveExpired();
        var key = ticket.Principal.FindFirst(PassthruClaims.Session)?.Value ?? Guid.NewGuid().ToString("N");
        _tickets[key] = ticket;
        return Task.FromResult(key);
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        // Only a live session slides; one that was logged out stays out.
        if (_tickets.ContainsKey(key))
        {
            _tickets[key] = ticket;
        }

        return Task.CompletedTask;
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key)
        => Task.FromResult(IsLive(key) ? _tickets.GetValueOrDefault(key) : null);

    public Task RemoveAsync(string key)
    {
        if (_tickets.TryRemove(key, out _))
        {
            Ended?.Invoke();
        }

        return Task.CompletedTask;
    }

    /// <summary>Whether the session exists and has not run out (idle or absolute).</summary>
    public bool IsLive(string key)
    {
        if (!_tickets.TryGetValue(key, out var ticket))
        {
            return false;
        }

        if (Expired(ticket))
        {
            _tickets.TryRemove(key, out _);
            return false;
        }

        return true;
    }

    /// <summary>An open dashboard tab is activity: its session's idle end moves on (never past the absolute end).</summary>
    public void KeepAlive(string key)
    {
        if (_tickets.TryGetValue(key, out var ticket) && !Expired(ticket))
        {
            var idleEnd = time.GetUtcNow().AddMinutes(options.Value.SessionIdleMinutes);
            ticket.Properties.ExpiresUtc = LoggedInAt(ticket) is { } loggedIn && loggedIn.AddHours(options.Value.SessionMaxHours) < idleEnd
                ? loggedIn.AddHours(options.Value.SessionMaxHours)
                : idleEnd;
        }
    }

    private bool Expired(AuthenticationTicket ticket)
    {
        var now = time.GetUtcNow();
        return ticket.Properties.ExpiresUtc is { } expires && expires <= now
            || LoggedInAt(ticket) is { } loggedIn && loggedIn.AddHours(options.Value.SessionMaxHours) <= now;
    }

    private static DateTimeOffset? LoggedInAt(AuthenticationTicket ticket)
        => ticket.Principal.FindFirst(PassthruClaims.LoggedInAt)?.Value is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;

    private void RemoveExpired()
    {
        foreach (var (key, ticket) in _tickets)
        {
            if (Expired(ticket))
            {
                _tickets.TryRemove(key, out _);
            }
        }
    }
}

/// <summary>Hands the session store to the cookie handler (it is a singleton with its own dependencies).</summary>
internal sealed class SessionStoreCookieSetup(SessionStore store) : IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options) => options.SessionStore = store;
}
