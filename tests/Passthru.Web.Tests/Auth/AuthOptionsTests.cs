using Passthru.Web;
using Passthru.Web.Auth;

namespace Passthru.Web.Tests.Auth;

public sealed class AuthOptionsTests
{
    [Theory]
    [InlineData("../../tmp/evil")]
    [InlineData("/etc/pam.d/login")]
    [InlineData("")]
    [InlineData(".hidden")]
    public void APamServiceThatIsAPath_StopsTheStart_NamingTheSetting(string service)
    {
        var refused = Assert.Throws<StartupRefusedException>(() =>
            PassthruApp.Build(["--Passthru:Auth:Enabled", "true", "--Passthru:Auth:PamService", service, "--Passthru:Database", "/dev/null/never-opened.db"]));

        Assert.Contains("Passthru:Auth:PamService", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfiguredGroups_ReplaceTheDefaults_RatherThanAddToThem()
    {
        Assert.Equal(["wheel", "sudo"], new AuthOptions().EffectiveAllowedGroups);
        Assert.Equal(["kvm-admins"], new AuthOptions { AllowedGroups = ["kvm-admins"] }.EffectiveAllowedGroups);
    }

    [Theory]
    [InlineData("/groups?q=Audio", "/groups?q=Audio")]
    [InlineData("/", "/")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("/redirect?to=https://evil.example", "/")]
    [InlineData("/login?returnUrl=/login", "/")]
    [InlineData("/groups\r\nSet-Cookie: x=1", "/")]
    public void TheReturnAddress_IsOnlyEverAPathOnThisSite(string? asked, string expected)
        => Assert.Equal(expected, LoginRedirects.SafeReturnUrl(asked));
}
