using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Passthru.Core.Guests;
using Passthru.Core.History;
using Passthru.TestSupport;
using Passthru.Web.Api;

namespace Passthru.Web.Tests.Security;

/// <summary>
/// On real Kestrel: what a caller sends that the history or the log would keep is refused or capped
/// before it is stored. A 20 MB <c>expect</c> once grew the database by 20 MB per request, and
/// <c>GET /api/history</c> then answered with all of it.
/// </summary>
public sealed class RequestCapsTests(KestrelDashboard app) : IClassFixture<KestrelDashboard>, IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = app.BaseAddress };

    [Fact]
    public async Task Detach_ExpectOf20MB_Is413BeforeTheBodyIsReadAndTheDatabaseDoesNotGrow()
    {
        var before = await DatabaseBytesAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/devices/0000:00:1b.0/detach")
        {
            Content = Json($$"""{"expect":"{{new string('8', 20_000_000)}}"}"""),
        };
        // The refusal comes from Content-Length alone: with 100-continue the client never sends the 20 MB.
        request.Headers.ExpectContinue = true;

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("Request body too large", "The API takes JSON bodies of at most 64 KiB."),
            (problem.GetProperty("title").GetString(), problem.GetProperty("detail").GetString()));
        Assert.Equal(before, await DatabaseBytesAsync());
    }

    [Fact]
    public async Task Detach_ChunkedBodyOverTheLimit_Is413()
    {
        // No Content-Length: the limit is found by reading, and the endpoint never sees the body.
        var body = Encoding.UTF8.GetBytes($$"""{"expect":"{{new string('8', ApiBodyLimit.MaxBytes + 1000)}}"}""");
        using var content = new StreamContent(new MemoryStream(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/devices/0000:00:1b.0/detach") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Detach_ChunkedBodyWithinTheLimit_IsRead()
    {
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("""{"dryRun":true,"expect":"8086:293e"}""")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/devices/0000:00:1b.0/detach") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dryRun").GetBoolean());
    }

    [Theory]
    [InlineData("8086:293e\r\n2026-12-03 INFO forged")]
    [InlineData("\u001b[2J")]
    [InlineData("8086:293")]
    [InlineData("????:????")]
    public async Task Detach_ExpectThatIsNotAnIdPair_Is400NamingTheFieldAndJournalsNothing(string expect)
    {
        var journaled = await OperationCountAsync();

        using var response = await _http.PostAsJsonAsync("/api/devices/0000:00:1b.0/detach", new { expect });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Malformed expect", problem.GetProperty("title").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.StartsWith("\"expect\": ", detail, StringComparison.Ordinal);
        Assert.Contains("four hex digits, a colon, four hex digits", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(detail, char.IsControl);
        Assert.Equal(journaled, await OperationCountAsync());
    }

    [Fact]
    public async Task Detach_ExpectOnAGroup_Is400()
    {
        using var response = await _http.PostAsJsonAsync("/api/groups/12/detach", new { expect = "8086:293e" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Malformed expect", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("/api/devices/0000:00:1b.0/detach")]
    [InlineData("/api/groups/12/reattach")]
    [InlineData("/api/guests/vm-off/start")]
    public async Task Change_PlanThatIsNotAFingerprint_Is400NamingTheField(string path)
    {
        using var response = await _http.PostAsJsonAsync(path, new { plan = "0123456789abcdef\n" + new string('x', 30_000) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Malformed plan", problem.GetProperty("title").GetString());
        Assert.StartsWith("\"plan\": ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(problem.GetProperty("detail").GetString()!.Length < 300);
    }

    [Fact]
    public async Task Attach_PlanThatIsNotAFingerprint_Is400()
    {
        using var response = await _http.PostAsJsonAsync("/api/guests/vm-off/devices", new { address = "0000:00:1b.0", plan = "stale" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Malformed plan", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("vm%0D%0A2026-12-03%20INFO%20forged")]
    [InlineData("vm%E2%80%A8x")]
    [InlineData("vm%1B%5B31m")]
    public async Task GuestRoutes_NameWithLineBreaksOrEscapes_Are400AndJournalNothing(string name)
    {
        var journaled = await OperationCountAsync();

        foreach (var (method, path) in new[] { (HttpMethod.Post, $"/api/guests/{name}/start"), (HttpMethod.Post, $"/api/guests/{name}/shutdown") })
        {
            using var response = await _http.SendAsync(new HttpRequestMessage(method, app.Raw(path)) { Content = Json("{}") });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("Malformed guest name", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        }

        Assert.Equal(journaled, await OperationCountAsync());
    }

    [Fact]
    public async Task GuestRoutes_NameLongerThanLibvirtCouldHave_Is400()
    {
        // 300 characters: within Kestrel's request line, beyond any name libvirt can define.
        using var response = await _http.PostAsJsonAsync($"/api/guests/{new string('a', 300)}/start", new { });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 251 bytes", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GuestPower_StopOfANameLibvirtCouldNotHave_JournalsNothing()
    {
        // The pages call GuestPower directly, without the API's check of the route value.
        var database = Scratch.NewPath("passthru-stop-name") + ".db";
        await using var services = new ServiceCollection().AddTestHost(CapturedTrees.Path("intel-initial"), database).BuildServiceProvider();
        try
        {
            var power = services.GetRequiredService<GuestPower>();

            await Assert.ThrowsAsync<ArgumentException>(() => power.StopAsync("vm-running\r\n2026-12-03 INFO forged", force: true, new Actor("alice", null)));
            await Assert.ThrowsAsync<ArgumentException>(() => power.StopAsync(new string('a', 10_000), force: true, new Actor("alice", null)));

            Assert.Empty(await services.GetRequiredService<OperationJournal>().ListAsync());
        }
        finally
        {
            Scratch.DeleteDatabase(database);
        }
    }

    [Fact]
    public async Task History_LimitBeyondTheCap_AnswersAtMostTheCapAndBeforePagesOn()
    {
        var database = new HistoryDatabase(app.Database);
        var journal = new OperationJournal(database, TimeProvider.System);
        await database.RunAsync(connection => connection.ExecuteAsync("""
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1099)
            INSERT INTO operations (started_at, finished_at, actor, action, target, status, message)
            SELECT '2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', 'bob', 'Detach', '0000:00:1b.0', 'Refused', 'in use' FROM n
            """));
        var newest = (await journal.ListAsync(limit: 1))[0].Id;

        var first = await _http.GetFromJsonAsync<JsonElement>("/api/history?limit=100000");
        var last = first.EnumerateArray().Last().GetProperty("id").GetInt64();
        var next = await _http.GetFromJsonAsync<JsonElement>($"/api/history?limit=5&before={last}");

        Assert.Equal(BindingApi.MaxHistoryLimit, first.GetArrayLength());
        Assert.Equal(newest, first[0].GetProperty("id").GetInt64());
        Assert.Equal([last - 1, last - 2, last - 3, last - 4, last - 5], next.EnumerateArray().Select(r => r.GetProperty("id").GetInt64()));
    }

    public void Dispose() => _http.Dispose();

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private Task<long> OperationCountAsync()
        => new HistoryDatabase(app.Database).RunAsync(connection => connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM operations"));

    /// <summary>The database and its WAL together: a row written lands in one or the other.</summary>
    private async Task<long> DatabaseBytesAsync()
    {
        await OperationCountAsync(); // the database exists, migrated, before it is measured
        return new[] { app.Database, app.Database + "-wal" }.Where(File.Exists).Sum(path => new FileInfo(path).Length);
    }
}
