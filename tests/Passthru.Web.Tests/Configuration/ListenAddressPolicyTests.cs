using Microsoft.Extensions.Configuration;
using Passthru.Core.Safety;
using Passthru.Web.Auth;
using Passthru.Web.Configuration;

namespace Passthru.Web.Tests.Configuration;

public class ListenAddressPolicyTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5280")]
    [InlineData("http://127.1.2.3:80")]
    [InlineData("http://localhost:5280")]
    [InlineData("http://[::1]:5280")]
    [InlineData("https://LOCALHOST:5281")]
    public void IsLoopback_LoopbackAddresses_Accepted(string url) => Assert.True(ListenAddressPolicy.IsLoopback(url));

    [Theory]
    [InlineData("http://0.0.0.0:5280")]
    [InlineData("http://*:5280")]
    [InlineData("http://+:5280")]
    [InlineData("http://[::]:5280")]
    [InlineData("http://192.168.1.10:5280")]
    [InlineData("http://myhost.example:5280")]
    [InlineData("http://localhost.evil.example:5280")]
    [InlineData("not a url")]
    public void IsLoopback_OtherAddresses_Refused(string url) => Assert.False(ListenAddressPolicy.IsLoopback(url));

    [Fact]
    public void ConfiguredUrls_ReadsUrlsAndKestrelEndpoints()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:1;http://0.0.0.0:2",
            ["Kestrel:Endpoints:Https:Url"] = "https://*:3",
        }).Build();

        var urls = ListenAddressPolicy.ConfiguredUrls(configuration);

        Assert.Equal(["http://127.0.0.1:1", "http://0.0.0.0:2", "https://*:3"], urls);
        var refusal = ListenAddressPolicy.Refusal(urls, new AuthOptions());
        Assert.NotNull(refusal);
        Assert.Contains("http://0.0.0.0:2, https://*:3", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1:1,", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NonLoopbackUrl_RefusesToStartWithReason()
    {
        var ex = Assert.Throws<StartupRefusedException>(() => PassthruApp.Build(["--urls", "http://0.0.0.0:5280"]));
        Assert.Contains("loopback only", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_HostRootMissing_RefusesWithTheSettingName()
    {
        var ex = Assert.Throws<StartupRefusedException>(() => PassthruApp.Build(["--urls", "http://127.0.0.1:0", "--host-root", "/nonexistent/tree"]));
        Assert.Contains("Passthru:HostRoot", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithLoginsOn_HttpsBeyondLoopbackIsAccepted()
        => Assert.Null(ListenAddressPolicy.Refusal(["https://0.0.0.0:5281", "http://127.0.0.1:5280"], new AuthOptions { Enabled = true }));

    [Fact]
    public void WithLoginsOn_PlainHttpBeyondLoopbackIsRefused_UnlessAProxyTerminatesTls()
    {
        var refusal = ListenAddressPolicy.Refusal(["http://0.0.0.0:5280", "https://[::]:5281"], new AuthOptions { Enabled = true });

        Assert.NotNull(refusal);
        Assert.Contains("http://0.0.0.0:5280 over plain HTTP", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain("5281", refusal, StringComparison.Ordinal);
        Assert.Null(ListenAddressPolicy.Refusal(["http://0.0.0.0:5280"], new AuthOptions { Enabled = true, AllowPlainHttp = true }, proxiesTrusted: true));
    }

    [Fact]
    public void AllowPlainHttp_WithoutATrustedProxy_IsRefused()
    {
        // Its proxy's X-Forwarded-Proto would be ignored: no Secure cookie, no HSTS, its https origin refused, every login from the proxy.
        var refusal = ListenAddressPolicy.Refusal(["http://0.0.0.0:5280"], new AuthOptions { Enabled = true, AllowPlainHttp = true });

        Assert.NotNull(refusal);
        Assert.Contains("Passthru:TrustedProxies", refusal, StringComparison.Ordinal);
        Assert.Null(ListenAddressPolicy.Refusal(["http://127.0.0.1:5280"], new AuthOptions { Enabled = true, AllowPlainHttp = true }));
    }

    [Fact]
    public void TrustedProxies_WithLoginsOff_AreRefused()
    {
        var refusal = ListenAddressPolicy.Refusal(["http://127.0.0.1:5280"], new AuthOptions(), proxiesTrusted: true);

        Assert.NotNull(refusal);
        Assert.Contains("Passthru:Auth:Enabled=true", refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.300")]
    [InlineData("10.0.0.1/8")]
    [InlineData("proxy.example.com")]
    [InlineData("10")]
    [InlineData("192.0.2.0/33")]
    [InlineData("")]
    public void AMalformedTrustedProxy_StopsTheStart_NamingIt(string entry)
    {
        var refused = Assert.Throws<StartupRefusedException>(() => PassthruApp.Build(["--urls", "http://127.0.0.1:0", "--Passthru:Auth:Enabled", "true",
            "--Passthru:TrustedProxies:0", "127.0.0.1", "--Passthru:TrustedProxies:1", entry, "--Passthru:Database", "/dev/null/never-opened.db"]));

        Assert.Contains($"Passthru:TrustedProxies has '{entry}', which is neither an IP address nor a network", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("10.0.0.0/24")]
    [InlineData("fd00::/64")]
    public void TrustedProxyEntries_AddressesAndNetworks_AreAccepted(string entry)
        => Assert.NotNull(TrustedProxyList.Parse(entry));

    [Fact]
    public void WithLoginsOff_EvenHttpsBeyondLoopbackIsRefused()
    {
        var refusal = ListenAddressPolicy.Refusal(["https://0.0.0.0:5281"], new AuthOptions { AllowPlainHttp = true });

        Assert.NotNull(refusal);
        Assert.Contains("Passthru:Auth:Enabled", refusal, StringComparison.Ordinal);
    }
}
