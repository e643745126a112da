using System.Net;
using System.Net.Sockets;
using Passthru.Core.Host;

namespace Passthru.Core.Auth;

/// <summary>
/// Slows password guessing without letting a stranger lock an account out. After <see cref="FreeAttempts"/>
/// failures each further attempt must wait twice as long as the one before, up to a cap. Who is counted
/// depends on the browser (OWASP's "device cookies"):
/// <list type="bullet">
/// <item>A browser that has logged in as this user before (a known device) is counted on its own, up to
/// <see cref="DeviceCap"/>: strangers' failures never slow the owner's browser, and a stolen device cookie
/// gets no more guesses than any other.</item>
/// <item>Any other attempt is counted per user name, up to <see cref="UserCap"/>, and per remote address, up
/// to <see cref="AddressCap"/> (the guesser's own cost).</item>
/// </list>
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

    /// <summary>As long as an address's: a device cookie that keeps failing is as suspect as an address that does.</summary>
    public static readonly TimeSpan DeviceCap = AddressCap;

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
    /// <param name="knownDevice">
    /// The id of the device cookie the browser showed, already checked to be this user's (null when there is none):
    /// the attempt is then counted against that device alone.
    /// </param>
    /// <returns>Null when the attempt may go ahead (it is then counted); else the time left to wait.</returns>
    public TimeSpan? TryBegin(string user, IPAddress? address, string? knownDevice = null)
        => knownDevice is null
            ? TryBegin(now => Max(Remaining(UserKey(user), UserCap, now), Remaining(AddressKey(address), AddressCap, now)), UserKey(user), AddressKey(address))
            : TryBegin(now => Remaining(DeviceKey(knownDevice), DeviceCap, now), DeviceKey(knownDevice));

    /// <summary>
    /// Counts an attempt that can never succeed (an oversized or malformed form) against its address, so that
    /// sending garbage is no way around the wait; or says how long the address must wait.
    /// </summary>
    public TimeSpan? TryBeginMalformed(IPAddress? address)
        => TryBegin(now => Remaining(AddressKey(address), AddressCap, now), AddressKey(address));

    /// <summary>
    /// The password was right. A known device starts afresh; otherwise the user name and address do. The user
    /// name's count is left alone after a known device's login: those failures were somebody else's.
    /// </summary>
    public void Succeeded(string user, IPAddress? address, string? knownDevice = null)
    {
        lock (_lock)
        {
            if (knownDevice is not null)
            {
                _entries.Remove(DeviceKey(knownDevice));
                return;
            }

            _entries.Remove(UserKey(user));
            _entries.Remove(AddressKey(address));
        }
    }

    private TimeSpan? TryBegin(Func<DateTimeOffset, TimeSpan> remaining, params ReadOnlySpan<string> keys)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var wait = remaining(now);
            if (wait > TimeSpan.Zero)
            {
                return wait;
            }

            foreach (var key in keys)
            {
                Count(key, now);
            }

            return null;
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

    private static string DeviceKey(string device) => "device:" + device;

    private static string AddressKey(IPAddress? address)
    {
        if (address is null)
        {
            return "address:unknown";
        }

        address = IPAddresses.Unmapped(address);

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
