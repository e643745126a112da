using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Passthru.Core.Auth;
using Passthru.Core.History;
using Passthru.TestSupport;
using Passthru.Web.Auth;
using Passthru.Web.Hubs;

namespace Passthru.Web.Tests.Auth;

/// <summary>With logins on: nothing answers without a session or a token; sessions, tokens and logout work; forms need their antiforgery token.</summary>
public sealed class AuthenticationTests(AuthHostFactory factory) : IClassFixture<AuthHostFactory>
{
    /// <summary>The tree's ISA bridge: never detached, so a request for it is refused, and journaled with who asked.</summary>
    private const string Refused = "0000:00:05.0";

    public static TheoryData<string, string> Endpoints => new()
    {
        { "GET", "/api/host" },
        { "GET", "/api/devices" },
        { "GET", "/api/devices/0000:00:1b.0" },
        { "GET", "/api/groups" },
        { "GET", "/api/interrupts" },
        { "GET", "/api/guests" },
        { "GET", "/api/history" },
        { "POST", "/api/devices/0000:00:1b.0/detach" },
        { "POST", "/api/groups/10/reattach" },
        { "POST", "/api/guests/vm-off/devices" },
        { "DELETE", "/api/guests/vm-running/devices/0000:04:00.6" },
        { "POST", "/api/guests/vm-off/start" },
        { "POST", "/hubs/host/negotiate?negotiateVersion=1" },
        { "POST", "/_blazor/negotiate?negotiateVersion=1" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task WithoutASessionOrToken_EveryEndpointAnswers401(string method, string path)
    {
        using var client = factory.NewClient();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { dryRun = true }) });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task WithoutASession_APageSendsToTheLogin_WhichAnswers()
    {
        using var client = factory.NewClient();

        using var page = await client.GetAsync("/groups?q=Audio");
        using var login = await client.GetAsync(page.Headers.Location);

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/login?ReturnUrl=%2Fgroups%3Fq%3DAudio", page.Headers.Location?.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("id=\"login-form\"", await login.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AToken_OpensTheApi_UntilItIsRevoked()
    {
        var tokens = factory.Services.GetRequiredService<ApiTokenStore>();
        var made = await tokens.CreateAsync($"script-{Guid.NewGuid():N}", new Actor("root", null));
        using var client = factory.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", made.Secret);

        using var before = await client.GetAsync("/api/groups");
        await tokens.RevokeAsync(made.Token.Id, new Actor("root", null));
        using var after = await client.GetAsync("/api/groups");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task AToken_WhoseMakerMayNoLongerLogIn_StopsWorking()
    {
        var made = await factory.Services.GetRequiredService<ApiTokenStore>().CreateAsync($"orphan-{Guid.NewGuid():N}", new Actor("passthru-nobody-here", null));
        using var client = factory.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", made.Secret);

        using var response = await client.GetAsync("/api/groups");

        // Identified, but without standing: forbidden, with the reason.
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("The token's maker, passthru-nobody-here, may no longer use Passthru: only root and members of wheel, sudo may.",
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AWrongToken_Is401()
    {
        using var client = factory.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "ptk_" + new string('A', 43));

        using var response = await client.GetAsync("/api/groups");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Not logged in", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task ATokensActions_AreRecordedAsTheToken()
    {
        var name = $"ci-{Guid.NewGuid():N}"[..20];
        var made = await factory.Services.GetRequiredService<ApiTokenStore>().CreateAsync(name, new Actor("root", null));
        using var client = factory.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", made.Secret);

        using var refused = await client.PostAsJsonAsync($"/api/devices/{Refused}/detach", new { });
        var history = await client.GetFromJsonAsync<JsonElement>($"/api/history?device={Refused}");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal($"token {name}", history.EnumerateArray().First().GetProperty("actor").GetString());
    }

    [Fact]
    public async Task TheHub_StreamsToAToken_AndRefusesWithout()
    {
        var made = await factory.Services.GetRequiredService<ApiTokenStore>().CreateAsync($"hub-{Guid.NewGuid():N}", new Actor("root", null));
        await using var withToken = Hub(made.Secret);
        await using var without = Hub(null);

        await withToken.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var updates = withToken.StreamAsync<JsonElement>(nameof(HostHub.Updates), timeout.Token).GetAsyncEnumerator(timeout.Token);
        var refusal = await Assert.ThrowsAsync<HttpRequestException>(() => without.StartAsync());

        Assert.True(await updates.MoveNextAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refusal.StatusCode);
    }

    [Fact]
    public async Task FormsWithoutTheirAntiforgeryToken_AreRejected()
    {
        using var client = factory.NewClient();
        await client.GetAsync("/login");

        // What another site's page could post: the right fields, no token.
        using var login = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["Input.User"] = "root", ["Input.Password"] = "guess",
        }));
        using var logout = await client.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string>()));

        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, logout.StatusCode);
    }

    [Fact]
    public async Task EveryResponse_CarriesTheSecurityHeaders()
    {
        using var client = factory.NewClient();

        foreach (var path in new[] { "/login", "/api/groups" })
        {
            using var response = await client.GetAsync(path);
            var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        }
    }

    [PamFact]
    public async Task TheRightPassword_GivesASession_ThatOpensPagesApiAndHistoryInTheUsersName()
    {
        using var client = factory.NewClient();

        using var login = await AuthHostFactory.LogInAsync(client, PamTestAccounts.Admin, PamTestAccounts.AdminPassword, "/groups");
        using var page = await client.GetAsync("/groups");
        using var refused = await client.PostAsJsonAsync($"/api/devices/{Refused}/detach", new { });
        var history = await client.GetFromJsonAsync<JsonElement>($"/api/history?device={Refused}");

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/groups", new Uri(client.BaseAddress!, login.Headers.Location!).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(PamTestAccounts.Admin, history.EnumerateArray().First().GetProperty("actor").GetString());
    }

    [PamFact]
    public async Task AWrongPassword_AndAnOutsider_AreRefused_WithTheSamePlainWords()
    {
        using var client = factory.NewClient();

        using var wrong = await AuthHostFactory.LogInAsync(client, PamTestAccounts.Admin, PamTestAccounts.AdminPassword + "-not");
        using var outsider = await AuthHostFactory.LogInAsync(client, PamTestAccounts.Outsider, PamTestAccounts.OutsiderPassword);
        using var api = await client.GetAsync("/api/groups");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("Wrong user name or password.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, outsider.StatusCode);
        Assert.Contains("Wrong user name or password.", await outsider.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [PamFact]
    public async Task LoggingOut_EndsTheSession_EvenForACopyOfItsCookie()
    {
        using var client = factory.NewClient();
        await AuthHostFactory.LogInAsync(client, PamTestAccounts.Admin, PamTestAccounts.AdminPassword);
        using var copy = factory.NewClient();
        using var probe = await client.GetAsync("/api/groups");
        // Each client has its own cookie jar: the copy replays the session's Cookie header by hand.
        var cookie = probe.RequestMessage!.Headers.GetValues("Cookie").Single();

        var token = await AuthHostFactory.AntiforgeryTokenAsync(client, "/groups");
        using var logout = await client.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        using var replayed = new HttpRequestMessage(HttpMethod.Get, "/api/groups") { Headers = { { "Cookie", cookie } } };
        using var afterLogout = await copy.SendAsync(replayed);

        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal("/login", new Uri(client.BaseAddress!, logout.Headers.Location!).PathAndQuery);
        Assert.Equal(HttpStatusCode.Unauthorized, afterLogout.StatusCode);
    }

    private HubConnection Hub(string? token) => new HubConnectionBuilder()
        .WithUrl(new Uri(factory.Server.BaseAddress, HostHub.Path), options =>
        {
            options.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
            options.Transports = HttpTransportType.LongPolling; // the test server speaks HTTP only
            if (token is not null)
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            }
        })
        .Build();
}
