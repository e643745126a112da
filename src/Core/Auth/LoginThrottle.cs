using System.Net;
using System.Net.Sockets;

namespace Passthru.Core.Auth;

/// <summary>
/// Slows password guessing, per user name and per remote address, without letting a stranger lock an
/// account out: after <see cref="FreeAttempts"/> failures each further attempt must wait twice as
/// long as the one before, up to <see cref="UserCap"/> for a user name (root can always try again
/// within half a minute) and <see cref="AddressCap"/> for an address (the guesser's own cost).
/// </summary>
/// <remarks>
/// An attempt counts as a failure from the moment it starts, and a success clears it, so a burst of
/// parallel guesses is throttled like a sequence. IPv6 addresses count per /64, the block one host
/// is usually given. Memory is bounded: the oldest entries go first.
/// </remarks>
public sealed class LoginThrottle(TimeProvider time)
{
    public const int FreeAttempts = 3;
    public const int MaxEntries = 10_000;
    public static readonly TimeSpan UserCap = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan AddressCap = TimeSpan.FromMinutes(15);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Failures> _entries = new(StringComparer.Ordinal);

    internal int EntryCount
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Starts an attempt, or says how long to wait before the next one may start.</summary>
    /// <returns>Null when the attempt may go ahead (it is then counted); else the time left to wait.</returns>
    public TimeSpan? TryBegin(string user, IPAddress? address)
    {
        var now = time.GetUtcNow();
        var userKey = UserKey(user);
        var addressKey = AddressKey(address);
        lock (_lock)
        {
            var wait = Max(Remaining(userKey, UserCap, now), Remaining(addressKey, AddressCap, now));
            if (wait > TimeSpan.Zero)
            {
                return wait;
            }

            Count(userKey, now);
            Count(addressKey, now);
            return null;
        }
    }

    /// <summary>The password was right: this user and this address start afresh.</summary>
    public void Succeeded(string user, IPAddress? address)
    {
        lock (_lock)
        {
            _entries.Remove(UserKey(user));
            _entries.Remove(AddressKey(address));
        }
    }

    /// <summary>The wait imposed after <paramref name="failures"/> failures in a row.</summary>
    public static TimeSpan Delay(int failures, TimeSpan cap)
        => failures < FreeAttempts ? TimeSpan.Zero
            : failures - FreeAttempts >= 20 ? cap
            : TimeSpan.FromSeconds(Math.Min(cap.TotalSeconds, Math.Pow(2, failures - FreeAttempts)));

    private TimeSpan Remaining(string key, TimeSpan cap, DateTimeOffset now)
        => _entries.TryGetValue(key, out var failures) ? Delay(failures.Count, cap) - (now - failures.Last) : TimeSpan.Zero;

    private void Count(string key, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(key, out var failures) && _entries.Count >= MaxEntries)
        {
            Evict(now);
        }

        // A long quiet spell forgives: failures older than the longest wait no longer count.
        var count = failures is not null && now - failures.Last < AddressCap * 2 ? failures.Count : 0;
        _entries[key] = new Failures(count + 1, now);
    }

    private void Evict(DateTimeOffset now)
    {
        foreach (var stale in _entries.Where(e => now - e.Value.Last >= AddressCap * 2).Select(e => e.Key).ToList())
        {
            _entries.Remove(stale);
        }

        if (_entries.Count >= MaxEntries)
        {
            foreach (var oldest in _entries.OrderBy(e => e.Value.Last).Take(MaxEntries / 10).Select(e => e.Key).ToList())
            {
                _entries.Remove(oldest);
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string UserKey(string user) => "user:" + user;

    private static string AddressKey(IPAddress? address)
    {
        if (address is null)
        {
            return "address:unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            address = new IPAddress(bytes);
        }

        return "address:" + address;
    }

    private sealed record Failures(int Count, DateTimeOffset Last);
}
