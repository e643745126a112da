using Microsoft.Extensions.Time.Testing;
using Passthru.Core.Auth;

namespace Passthru.Core.Tests.Auth;

/// <summary>The name service is asked once per name and lifetime, not on every request or tab check.</summary>
public sealed class AccountDirectoryTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<string> _lookups = [];
    private readonly AccountDirectory _accounts;

    public AccountDirectoryTests()
        => _accounts = new AccountDirectory(_time, name =>
        {
            lock (_lookups)
            {
                _lookups.Add(name);
            }

            return name == "nobody-here" ? null : new HostAccount(name, 1000, ["sudo"]);
        });

    [Fact]
    public async Task ManyChecksWithinTheLifetime_AskTheNameServiceOnce()
    {
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal("alice", (await _accounts.FindAsync("alice"))!.Name);
        }

        Assert.Null(await _accounts.FindAsync("nobody-here"));
        Assert.Null(await _accounts.FindAsync("nobody-here"));
        Assert.Equal(["alice", "nobody-here"], _lookups);
    }

    [Fact]
    public async Task AfterTheLifetime_TheAccountIsLookedUpAgain()
    {
        await _accounts.FindAsync("alice");
        _time.Advance(AccountDirectory.Lifetime - TimeSpan.FromSeconds(1));
        await _accounts.FindAsync("alice");
        _time.Advance(TimeSpan.FromSeconds(2));
        await _accounts.FindAsync("alice");

        Assert.Equal(["alice", "alice"], _lookups);
    }

    [Fact]
    public async Task Refresh_AtALogin_LooksUpAfreshAndTheChecksThatFollowUseIt()
    {
        await _accounts.FindAsync("alice");
        _accounts.Refresh("alice");
        await _accounts.FindAsync("alice");

        Assert.Equal(["alice", "alice"], _lookups);
    }
}
