using System.Net;
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
using Passthru.Web.Tests.Security;

namespace Passthru.Web.Tests.Auth;

/// <summary>
/// Standing is checked on every request and again for the streams that outlive theirs: a login whose account
/// leaves the allowed groups, and a token that is revoked or whose maker leaves them, stop working at once.
/// The real account passthru-t-leaver is taken out of sudo (and put back); the tests of this class run one by one.
/// </summary>
public sealed class StandingTests(AuthHostFactory logins, KestrelDashboard dashboard) : IClassFixture<AuthHostFactory>, IClassFixture<KestrelDashboard>
{
    [PamFact]
    public async Task ALogin_WhoseAccountLeavesTheAllowedGroups_IsRefusedAndItsSessionEnds()
    {
        using var client = logins.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await AuthHostFactory.LogInAsync(client, PamTestAccounts.Leaver, PamTestAccounts.LeaverPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/groups")).StatusCode);

        await using (await LeaveSudoAsync(logins.Services))
        {
            using var refused = await client.GetAsync("/api/groups");
            using var page = await client.GetAsync("/groups");
            using var afterwards = await client.GetAsync("/api/groups");

            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal($"{PamTestAccounts.Leaver} may no longer use Passthru: only root and members of wheel, sudo may.",
                (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
            // The refusal ended the session: the page goes to the login, and the cookie is worth nothing from now on.
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, afterwards.StatusCode);
        }
    }

    [Theory]
    [InlineData(HttpTransportType.WebSockets)]
    [InlineData(HttpTransportType.ServerSentEvents)]
    public async Task AStream_OpenedWithAToken_EndsWhenTheTokenIsRevoked(HttpTransportType transport)
    {
        var tokens = dashboard.Services.GetRequiredService<ApiTokenStore>();
        var made = await tokens.CreateAsync($"stream-{transport}-{Guid.NewGuid():N}", new Actor("root", null));
        await using var stream = await OpenStreamAsync(made.Secret, transport);

        await tokens.RevokeAsync(made.Token.Id, new Actor("root", null));

        Assert.NotNull(await stream.Closed);
    }

    [PamFact]
    public async Task AStream_OpenedWithAToken_EndsWhenItsMakerLeavesTheAllowedGroups()
    {
        var made = await dashboard.Services.GetRequiredService<ApiTokenStore>().CreateAsync($"leaver-{Guid.NewGuid():N}", new Actor(PamTestAccounts.Leaver, null));
        await using var stream = await OpenStreamAsync(made.Secret, HttpTransportType.ServerSentEvents);

        await using (await LeaveSudoAsync(dashboard.Services))
        {
            // The next periodic check, without waiting for it.
            dashboard.Services.GetRequiredService<StandingWatch>().RecheckNow();

            Assert.NotNull(await stream.Closed);
        }
    }

    /// <summary>Takes the leaver out of sudo until disposed. The app's account directory looks again now, as it would once its lifetime passed.</summary>
    private static async Task<IAsyncDisposable> LeaveSudoAsync(IServiceProvider services)
    {
        await ProcessRunner.RunAsync("gpasswd", ["-d", PamTestAccounts.Leaver, "sudo"]);
        services.GetRequiredService<AccountDirectory>().Refresh(PamTestAccounts.Leaver);
        return new Rejoin(services);
    }

    private async Task<OpenStream> OpenStreamAsync(string token, HttpTransportType transport)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(dashboard.BaseAddress, HostHub.Path), options =>
            {
                options.Transports = transport;
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };
        await connection.StartAsync();
        var updates = connection.StreamAsync<JsonElement>(nameof(HostHub.Updates)).GetAsyncEnumerator();
        Assert.True(await updates.MoveNextAsync());
        return new OpenStream(connection, updates, closed.Task.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    /// <summary>A hub connection streaming updates; <see cref="Closed"/> completes with the error it closed with (a hang guard throws after a minute).</summary>
    private sealed record OpenStream(HubConnection Connection, IAsyncEnumerator<JsonElement> Updates, Task<Exception?> Closed) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Updates.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }

    private sealed class Rejoin(IServiceProvider services) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await ProcessRunner.RunAsync("gpasswd", ["-a", PamTestAccounts.Leaver, "sudo"]);
            services.GetRequiredService<AccountDirectory>().Refresh(PamTestAccounts.Leaver);
        }
    }
}
