using System.Net;
using Microsoft.Extensions.Time.Testing;
using Passthru.Core.Auth;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Auth;

/// <summary>Real PAM, with the project's service file, against real local accounts made by test.sh.</summary>
public sealed class PamLoginTests
{
    private static readonly IPAddress Browser = IPAddress.Parse("192.0.2.10");

    private static HostLogin NewLogin() => new(new LoginPolicy(PamTestAccounts.Service, ["wheel", "sudo"]), new LoginThrottle(TimeProvider.System));

    [PamFact]
    public void RightPassword_IsAuthenticated_AsTheAccountPamNames()
    {
        var result = PamAuthenticator.Authenticate(PamTestAccounts.Service, PamTestAccounts.Admin, PamTestAccounts.AdminPassword, "192.0.2.10");

        Assert.Equal(PamOutcome.Authenticated, result.Outcome);
        Assert.Equal(PamTestAccounts.Admin, result.UserName);
    }

    [PamFact]
    public void WrongPassword_AndUnknownUser_AreTheSameRefusal()
    {
        var wrong = PamAuthenticator.Authenticate(PamTestAccounts.Service, PamTestAccounts.Admin, PamTestAccounts.AdminPassword + "x", null);
        var unknown = PamAuthenticator.Authenticate(PamTestAccounts.Service, "passthru-nobody-here", "whatever", null);

        Assert.Equal(PamOutcome.WrongCredentials, wrong.Outcome);
        Assert.Equal(PamOutcome.WrongCredentials, unknown.Outcome);
        Assert.Null(wrong.UserName);
    }

    [PamFact]
    public void APasswordWithANul_NeverReachesPamAsItsPrefix()
    {
        // C would see only the part before the NUL: the right password followed by anything must not log in.
        var result = PamAuthenticator.Authenticate(PamTestAccounts.Service, PamTestAccounts.Admin, PamTestAccounts.AdminPassword + "\0anything", null);

        Assert.Equal(PamOutcome.WrongCredentials, result.Outcome);
    }

    [PamFact]
    public async Task AMemberOfAnAllowedGroup_LogsIn()
    {
        var result = await NewLogin().LogInAsync(PamTestAccounts.Admin, PamTestAccounts.AdminPassword, Browser);

        Assert.Equal(LoginOutcome.LoggedIn, result.Outcome);
        Assert.Equal(PamTestAccounts.Admin, result.User);
    }

    [PamFact]
    public async Task AnAccountOutsideTheAllowedGroups_IsToldWhatAWrongPasswordIsTold_AndTheLogGetsWhy()
    {
        var login = NewLogin();

        var right = await login.LogInAsync(PamTestAccounts.Outsider, PamTestAccounts.OutsiderPassword, Browser);
        var wrong = await login.LogInAsync(PamTestAccounts.Outsider, PamTestAccounts.OutsiderPassword + "-not", Browser);

        Assert.Equal(LoginOutcome.NotAllowed, right.Outcome);
        Assert.Null(right.User);
        Assert.Equal(LoginOutcome.WrongCredentials, wrong.Outcome);
        Assert.Equal(wrong.Message, right.Message);
        Assert.Contains("none of the allowed groups (wheel, sudo)", right.Detail, StringComparison.Ordinal);
    }

    [PamFact]
    public async Task ARefusalAfterTheRightPassword_TakesAsLongAsAWrongPassword()
    {
        // The clock only moves when the test moves it: the refusal must wait for the whole failure delay on it.
        var clock = new FakeTimeProvider();
        var login = new HostLogin(new LoginPolicy(PamTestAccounts.Service, ["wheel", "sudo"]), new LoginThrottle(clock), time: clock);
        var waited = TimeSpan.Zero;

        var refusal = login.LogInAsync(PamTestAccounts.Outsider, PamTestAccounts.OutsiderPassword, Browser);
        while (!refusal.IsCompleted)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10));
            clock.Advance(TimeSpan.FromMilliseconds(10));
            waited += TimeSpan.FromMilliseconds(10);
        }

        Assert.Equal(LoginOutcome.NotAllowed, (await refusal).Outcome);
        Assert.True(waited >= HostLogin.AssumedPamFailureDelay, $"refused after {waited}");
    }

    [PamFact]
    public async Task TheOutsider_LogsIn_OnceItsOwnGroupIsAllowed()
    {
        var login = new HostLogin(new LoginPolicy(PamTestAccounts.Service, [PamTestAccounts.Outsider]), new LoginThrottle(TimeProvider.System));

        var result = await login.LogInAsync(PamTestAccounts.Outsider, PamTestAccounts.OutsiderPassword, Browser);

        Assert.Equal(LoginOutcome.LoggedIn, result.Outcome);
    }

    [PamFact]
    public void Accounts_AreLookedUpThroughTheNameService()
    {
        var admin = HostAccounts.Find(PamTestAccounts.Admin);
        var root = HostAccounts.Find("root");

        Assert.NotNull(admin);
        Assert.Contains("sudo", admin.Groups);
        Assert.Contains(PamTestAccounts.Admin, admin.Groups); // the primary group useradd made
        Assert.False(admin.IsRoot);
        Assert.True(root?.IsRoot);
        Assert.Null(HostAccounts.Find("passthru-nobody-here"));
        Assert.Null(HostAccounts.Find("root\0"));
    }

    [Fact]
    public void Root_IsAlwaysAllowed_OthersByGroup()
    {
        var policy = new LoginPolicy("passthru", ["wheel"]);

        Assert.True(policy.Allows(new HostAccount("root", 0, ["root"])));
        Assert.True(policy.Allows(new HostAccount("ann", 1000, ["ann", "wheel"])));
        Assert.False(policy.Allows(new HostAccount("bob", 1001, ["bob", "sudo"])));
    }

    [Fact]
    public async Task AMalformedUserName_IsRefusedBeforePam()
    {
        var login = new HostLogin(new LoginPolicy("a-service-that-does-not-exist", ["sudo"]), new LoginThrottle(TimeProvider.System));

        var result = await login.LogInAsync("root\nforged log line", "x", Browser);

        Assert.Equal(LoginOutcome.WrongCredentials, result.Outcome);
        Assert.Contains("malformed", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedUserNames_CountAgainstTheAddress_SoTheyAreNoWayAroundTheWait()
    {
        var login = new HostLogin(new LoginPolicy("a-service-that-does-not-exist", ["sudo"]), new LoginThrottle(TimeProvider.System));

        for (var i = 0; i < LoginThrottle.FreeAttempts; i++)
        {
            Assert.Equal(LoginOutcome.WrongCredentials, (await login.LogInAsync(new string('a', 3_000_000), "x", Browser)).Outcome);
        }

        var oversized = await login.LogInAsync(new string('a', HostLogin.MaxUserNameLength + 1), "x", Browser);
        var wellFormed = await login.LogInAsync("root", "x", Browser);

        Assert.Equal(LoginOutcome.Throttled, oversized.Outcome);
        Assert.Equal(LoginOutcome.Throttled, wellFormed.Outcome);
    }

    [Theory]
    [InlineData("root", true)]
    [InlineData("DOMAIN\\ann.lee@example.org", true)]
    [InlineData("jürgen", true)]
    [InlineData("", false)]
    [InlineData("root\r\nforged", false)]
    [InlineData("root\u001b[31m", false)]
    [InlineData("root\u0085", false)]
    [InlineData("root\u2028forged", false)]
    [InlineData("root\u202egnp.exe", false)]
    public void UserNames_WithCharactersThatChangeALogLine_AreMalformed(string user, bool wellFormed)
        => Assert.Equal(wellFormed, HostLogin.IsWellFormedUserName(user));
}
