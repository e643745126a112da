using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Passthru.Core.Auth;
using Passthru.TestSupport;
using Passthru.Web.Tests.Auth;

namespace Passthru.Web.Tests.Security;

/// <summary>
/// Behind a TLS-terminating proxy listed in <c>Passthru:TrustedProxies</c>, the dashboard sees the real client and
/// https: the history and the login throttle name the client, the cookie is Secure, HSTS is sent, an https page's
/// own origin is accepted, and the interface toward the client is protected. The same headers from anyone else change nothing.
/// </summary>
public sealed class TrustedProxyTests
{
    /// <summary>The tree's ISA bridge: never detached, so a request for it is refused and journaled with who asked.</summary>
    private const string Refused = "0000:00:05.0";

    private const string Client = "203.0.113.9";

    [Fact]
    public async Task ForwardedFor_FromATrustedProxy_IsTheAddressTheHistoryRecords()
    {
        await using var dashboard = await ProxiedDashboard.StartAsync(["127.0.0.1"]);
        using var client = await dashboard.TokenClientAsync(forwardedFor: Client);

        Assert.Equal(Client, await RecordedAddressAsync(client));
    }

    [Fact]
    public async Task ForwardedHeaders_FromAnAddressNotListed_AreIgnored()
    {
        // Only 192.0.2.200 is trusted; the request comes from 127.0.0.1, which ASP.NET would trust by default.
        await using var dashboard = await ProxiedDashboard.StartAsync(["192.0.2.200"]);
        using var client = await dashboard.TokenClientAsync(forwardedFor: Client, forwardedProto: "https");

        using var page = await client.GetAsync("/login");

        Assert.Equal("127.0.0.1", await RecordedAddressAsync(client));
        Assert.False(page.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task FailedLogins_BehindATrustedProxy_ThrottleTheirClientOnly()
    {
        // The clock stands still: each failed PAM conversation takes real seconds, longer than the first throttled wait.
        await using var dashboard = await ProxiedDashboard.StartAsync(["127.0.0.1"], services: services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.UtcNow)));
        using var guesser = dashboard.Client(forwardedFor: "203.0.113.66");
        using var other = dashboard.Client(forwardedFor: "198.51.100.7");

        // Another user name each time, so that only the address's count can throttle.
        for (var i = 0; i < LoginThrottle.FreeAttempts; i++)
        {
            using var wrong = await AuthHostFactory.LogInAsync(guesser, $"nosuchuser{i}", "wrong");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var throttled = await AuthHostFactory.LogInAsync(guesser, "nosuchuser-a", "wrong");
        using var elsewhere = await AuthHostFactory.LogInAsync(other, "nosuchuser-b", "wrong");

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, elsewhere.StatusCode);
    }

    [PamFact]
    public async Task Https_FromATrustedProxy_MakesTheSessionCookieSecureAndSendsHsts()
    {
        await using var dashboard = await ProxiedDashboard.StartAsync(["127.0.0.1"]);
        using var client = dashboard.Client(forwardedFor: Client, forwardedProto: "https");

        using var login = await AuthHostFactory.LogInAsync(client, PamTestAccounts.Admin, PamTestAccounts.AdminPassword);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var session = Assert.Single(login.Headers.GetValues("Set-Cookie"), cookie => cookie.StartsWith("passthru.session=", StringComparison.Ordinal));
        Assert.Contains("; secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("max-age=31536000", Assert.Single(login.Headers.GetValues("Strict-Transport-Security")));
    }

    [Fact]
    public async Task AnHttpsPagesOwnOrigin_BehindATrustedProxy_IsNotForeign()
    {
        await using var dashboard = await ProxiedDashboard.StartAsync(["127.0.0.1"]);
        using var client = await dashboard.TokenClientAsync(forwardedFor: Client, forwardedProto: "https");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/devices/{Refused}/detach") { Content = JsonContent.Create(new { dryRun = true }) };
        request.Headers.Add("Origin", $"https://{dashboard.BaseAddress.Authority}");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Detach_OfTheNicThatRoutesToTheClientOfAProxyOnThisHost_IsRefusedAsTheDashboardsConnection()
    {
        // eth1 (05:00.0) is the port of vmbr0, which holds the default route: the proxy's client 203.0.113.9 is reached through it.
        await using var dashboard = await ProxiedDashboard.StartAsync(["127.0.0.1"], tree =>
        {
            HostLayouts.VirtualNetDevice(tree, "vmbr0", "bridge", ifIndex: 6);
            HostLayouts.Enslave(tree, "eth1", "vmbr0");
            HostLayouts.Routes(tree, ("vmbr0", "0.0.0.0/0", "192.168.1.1"), ("vmbr0", "192.168.1.0/24", null));
            HostLayouts.LocalAddresses(tree, "192.168.1.10");
        });
        using var client = await dashboard.TokenClientAsync(forwardedFor: Client);

        using var response = await client.PostAsJsonAsync("/api/devices/0000:05:00.0/detach", new { dryRun = true, force = true });
        var plan = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Contains(plan.GetProperty("refusals").EnumerateArray(), refusal => refusal.GetProperty("kind").GetString() == "DashboardConnection");
    }

    [Fact]
    public async Task Detach_OfTheNicAProxyOnAnotherMachineArrivesOn_IsRefusedAsTheDashboardsConnection()
    {
        // The proxy is this machine's own non-loopback address, connecting to it: to the dashboard, another machine.
        // That address is on vmbr0 (eth1's bridge); the proxy's client is reached through vmbr1: the proxy's connection is what matters.
        var proxy = MachineAddresses.NonLoopbackIPv4();
        await using var dashboard = await ProxiedDashboard.StartAsync([proxy.ToString()], tree =>
        {
            HostLayouts.VirtualNetDevice(tree, "vmbr0", "bridge", ifIndex: 6);
            HostLayouts.Enslave(tree, "eth1", "vmbr0");
            HostLayouts.VirtualNetDevice(tree, "vmbr1", "bridge", ifIndex: 7);
            HostLayouts.Routes(tree, ("vmbr1", "0.0.0.0/0", "10.9.0.1"), ("vmbr0", $"{proxy}/32", null));
            HostLayouts.LocalAddresses(tree, proxy.ToString());
        }, url: $"http://{proxy}:0");
        using var client = await dashboard.TokenClientAsync(forwardedFor: Client);

        using var response = await client.PostAsJsonAsync("/api/devices/0000:05:00.0/detach", new { dryRun = true, force = true });
        var plan = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(Client, await RecordedAddressAsync(client));
        Assert.Contains(plan.GetProperty("refusals").EnumerateArray(), refusal => refusal.GetProperty("kind").GetString() == "DashboardConnection");
    }

    /// <summary>Asks for a refused detach, then reads the address its history record names.</summary>
    private static async Task<string?> RecordedAddressAsync(HttpClient client)
    {
        using var refused = await client.PostAsJsonAsync($"/api/devices/{Refused}/detach", new { });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var history = await client.GetFromJsonAsync<JsonElement>($"/api/history?device={Refused}");
        return history.EnumerateArray().First().GetProperty("remoteAddress").GetString();
    }
}
