using System.Net;
using Microsoft.Extensions.Time.Testing;
using Passthru.Core.Auth;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Auth;

public sealed class LoginThrottleTests
{
    private static readonly IPAddress Guesser = IPAddress.Parse("198.51.100.7");
    private static readonly IPAddress Admin = IPAddress.Parse("192.0.2.10");

    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void AFewTypos_AreFree_ThenEachTryWaitsTwiceAsLong()
    {
        var throttle = new LoginThrottle(_clock);

        for (var i = 0; i < LoginThrottle.FreeAttempts; i++)
        {
            Assert.Null(throttle.TryBegin("root", Guesser));
        }

        Assert.Equal(TimeSpan.FromSeconds(1), throttle.TryBegin("root", Guesser));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(throttle.TryBegin("root", Guesser));
        Assert.Equal(TimeSpan.FromSeconds(2), throttle.TryBegin("root", Guesser));
    }

    [Fact]
    public void AStranger_CannotKeepRootOut_ForLongerThanTheUserCap()
    {
        var throttle = new LoginThrottle(_clock);
        for (var i = 0; i < 200; i++)
        {
            // A guesser rotating addresses: each address is fresh, the user name is not.
            var address = IPAddress.Parse($"203.0.113.{i % 250}");
            while (throttle.TryBegin("root", address) is { } wait)
            {
                _clock.Advance(wait);
            }
        }

        var adminWait = throttle.TryBegin("root", Admin);

        Assert.NotNull(adminWait);
        Assert.True(adminWait <= LoginThrottle.UserCap, $"root waits {adminWait}");
        _clock.Advance(adminWait.Value);
        Assert.Null(throttle.TryBegin("root", Admin));
    }

    [Fact]
    public void TheGuessersOwnAddress_WaitsUpToTheLongerAddressCap()
    {
        var throttle = new LoginThrottle(_clock);
        var longest = TimeSpan.Zero;
        for (var i = 0; i < 40; i++)
        {
            // A different user name each time: only the address ties the attempts together.
            while (throttle.TryBegin($"user{i}", Guesser) is { } wait)
            {
                longest = wait > longest ? wait : longest;
                _clock.Advance(wait);
            }
        }

        Assert.Equal(LoginThrottle.AddressCap, longest);
        Assert.Null(throttle.TryBegin("root", Admin));
    }

    [Fact]
    public void ASuccess_StartsTheUserAndAddressAfresh()
    {
        var throttle = new LoginThrottle(_clock);
        for (var i = 0; i < 5; i++)
        {
            _clock.Advance(throttle.TryBegin("ann", Admin) ?? TimeSpan.Zero);
        }

        throttle.Succeeded("ann", Admin);

        Assert.Null(throttle.TryBegin("ann", Admin));
    }

    [Fact]
    public void IPv6_CountsPerSlash64_SoRotatingTheHostPartDoesNotHelp()
    {
        var throttle = new LoginThrottle(_clock);
        for (var i = 1; i <= LoginThrottle.FreeAttempts; i++)
        {
            Assert.Null(throttle.TryBegin($"u{i}", IPAddress.Parse($"2001:db8:1:2::{i:x}")));
        }

        Assert.NotNull(throttle.TryBegin("u9", IPAddress.Parse("2001:db8:1:2:ffff::9")));
        Assert.Null(throttle.TryBegin("u9", IPAddress.Parse("2001:db8:1:3::9")));
    }

    [Fact]
    public void ParallelGuesses_AreCountedAsTheyStart()
    {
        var throttle = new LoginThrottle(_clock);

        var started = Enumerable.Range(0, 50).AsParallel().Count(_ => throttle.TryBegin("root", Guesser) is null);

        Assert.Equal(LoginThrottle.FreeAttempts, started);
    }

    [Fact]
    public void Memory_StaysBounded_UnderManyNames()
    {
        var throttle = new LoginThrottle(_clock);
        for (var i = 0; i < 3 * LoginThrottle.MaxEntries; i++)
        {
            throttle.TryBegin($"user{i}", IPAddress.Parse($"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"));
        }

        Assert.True(throttle.EntryCount <= LoginThrottle.MaxEntries, $"{throttle.EntryCount} entries");
    }

    [Fact]
    public void AKnownDevice_IsNotSlowedByStrangers_WhoStayThrottled()
    {
        var throttle = new LoginThrottle(_clock);
        for (var i = 0; i < 200; i++)
        {
            // A guesser rotating addresses, spending each guess the user name allows.
            var address = IPAddress.Parse($"203.0.113.{i % 250}");
            while (throttle.TryBegin("root", address) is { } wait)
            {
                _clock.Advance(wait);
            }

            Assert.Null(throttle.TryBegin("root", Admin, knownDevice: "owners-browser"));
            throttle.Succeeded("root", Admin, knownDevice: "owners-browser");
        }

        Assert.Equal(LoginThrottle.UserCap, throttle.TryBegin("root", Admin));
    }

    [Fact]
    public void AKnownDevice_ThatKeepsFailing_WaitsUpToTheDeviceCap_OnItsOwn()
    {
        var throttle = new LoginThrottle(_clock);
        var longest = TimeSpan.Zero;
        for (var i = 0; i < 40; i++)
        {
            // A stolen device cookie, from ever new addresses: the cookie ties the attempts together.
            var address = IPAddress.Parse($"203.0.113.{i}");
            while (throttle.TryBegin("root", address, knownDevice: "stolen") is { } wait)
            {
                longest = wait > longest ? wait : longest;
                _clock.Advance(wait);
            }
        }

        Assert.Equal(LoginThrottle.DeviceCap, longest);
        Assert.NotNull(throttle.TryBegin("root", Guesser, knownDevice: "stolen"));
        Assert.Null(throttle.TryBegin("root", Admin, knownDevice: "owners-browser"));
        Assert.Null(throttle.TryBegin("root", Admin));
    }

    [Fact]
    public void MalformedAttempts_CountAgainstTheAddressAlone()
    {
        var throttle = new LoginThrottle(_clock);
        for (var i = 0; i < LoginThrottle.FreeAttempts; i++)
        {
            Assert.Null(throttle.TryBeginMalformed(Guesser));
        }

        Assert.Equal(TimeSpan.FromSeconds(1), throttle.TryBeginMalformed(Guesser));
        Assert.Equal(TimeSpan.FromSeconds(1), throttle.TryBegin("root", Guesser));
        Assert.Null(throttle.TryBegin("root", Admin));
    }
}
