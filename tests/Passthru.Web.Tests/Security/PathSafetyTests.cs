using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Passthru.Web.Tests.Security;

/// <summary>
/// Every route that takes a PCI address or a guest name, asked with what could make it build a path
/// outside the host root or act on something else: dot segments (plain, percent-encoded, double
/// encoded), encoded slashes and backslashes, absolute paths, NULs, overlong segments, and digits that
/// are digits to Unicode but not to sysfs. Each is refused with a problem that says why (400), or does
/// not reach a route (404, or 405 where Kestrel's resolving of dot segments leaves another route's path),
/// and the sentinel file beside the tree never comes back.
/// </summary>
public sealed class PathSafetyTests(KestrelDashboard app) : IClassFixture<KestrelDashboard>, IDisposable
{
    private readonly HttpClient _http = new();

    /// <summary>Address segments as they stand in the URL. The tree's sysfs devices directory is five levels below the sentinel.</summary>
    public static TheoryData<string> Addresses => new()
    {
        "..",
        "%2e%2e",
        "%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2Fsentinel",
        "..%2F..%2F..%2F..%2F..%2Fsentinel",
        "..%252F..%252F..%252F..%252F..%252Fsentinel",
        "..%5C..%5C..%5C..%5C..%5Csentinel",
        "..\\..\\..\\..\\..\\sentinel",
        "%2Fetc%2Fpasswd",
        "0000:00:1b.0%00",
        "0000:00:1b.0%00..%2F..%2F..%2F..%2F..%2Fsentinel",
        "0000:00:1b.0%2F..%2F..%2F..%2F..%2F..%2F..%2Fsentinel",
        new string('0', 4000),
        "0000:0%D9%A4:00.6",                 // ARABIC-INDIC DIGIT FOUR
        "%EF%BC%90%EF%BC%90%EF%BC%90%EF%BC%90:00:1b.0", // FULLWIDTH DIGIT ZERO ×4
        "0000:00:1b.0%20",
        "+000:00:1b.0",
        "0000:00:1B.0%0A",
    };

    /// <summary>Guest names as they stand in the URL.</summary>
    public static TheoryData<string> Names => new()
    {
        "..",
        "%2e%2e",
        "..%2F..%2F..%2F..%2F..%2Fsentinel",
        "%2Fetc%2Fpasswd",
        "%5C..%5Csentinel",
        "vm-running%00evil",
        "vm-running%0A",
        "%20",
        new string('a', 4000),
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    };

    [Theory]
    [MemberData(nameof(Addresses))]
    public async Task DeviceRoutes_AddressThatIsNotAnAddress_AreRefusedAndReadNothingOutside(string address)
    {
        await AssertRefusedAsync(HttpMethod.Get, $"/api/devices/{address}", null);
        await AssertRefusedAsync(HttpMethod.Post, $"/api/devices/{address}/detach", new { dryRun = true });
        await AssertRefusedAsync(HttpMethod.Post, $"/api/devices/{address}/reattach", new { dryRun = true });
        await AssertRefusedAsync(HttpMethod.Get, $"/api/history?device={address}", null);
        await AssertRefusedAsync(HttpMethod.Delete, $"/api/guests/vm-running/devices/{address}", null);
        await AssertRefusedAsync(HttpMethod.Post, "/api/guests/vm-off/devices", new { address = Uri.UnescapeDataString(address), dryRun = true });
    }

    [Theory]
    [MemberData(nameof(Addresses))]
    public async Task DevicePage_AddressThatIsNotAnAddress_SaysSoAndReadsNothingOutside(string address)
    {
        using var response = await _http.GetAsync(app.Raw($"/devices/{address}"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain(KestrelDashboard.SentinelText, body, StringComparison.Ordinal);
        if (response.StatusCode == HttpStatusCode.OK && !body.Contains("id=\"device-error\"", StringComparison.Ordinal))
        {
            // Kestrel resolved the dot segments (/devices/.. is /): another page, not a device outside the tree.
            Assert.DoesNotContain("id=\"verdict-summary\"", body, StringComparison.Ordinal);
            return;
        }

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound || body.Contains("is not a PCI address", StringComparison.Ordinal)
            || body.Contains("is not a valid PCI address", StringComparison.Ordinal), $"{response.StatusCode}: {body[..Math.Min(body.Length, 300)]}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task GuestRoutes_NameWithPathTricksOrControlCharacters_AreRefusedAndTouchNoGuest(string name)
    {
        await AssertRefusedAsync(HttpMethod.Post, $"/api/guests/{name}/start", new { });
        await AssertRefusedAsync(HttpMethod.Post, $"/api/guests/{name}/shutdown", new { force = true });
        await AssertRefusedAsync(HttpMethod.Post, $"/api/guests/{name}/devices", new { address = "0000:00:1b.0", dryRun = true });
        await AssertRefusedAsync(HttpMethod.Delete, $"/api/guests/{name}/devices/0000:04:00.6", null);

        // Whatever the name, no guest was touched: vm-running still runs with its device.
        var guests = await _http.GetFromJsonAsync<JsonElement>(app.Raw("/api/guests"));
        var running = guests.EnumerateArray().Single(g => g.GetProperty("name").GetString() == "vm-running");
        Assert.Equal("running", running.GetProperty("state").GetString());
        Assert.Equal("0000:04:00.6", running.GetProperty("hostdevs")[0].GetProperty("address").GetString());
    }

    [Theory]
    [InlineData("/api/groups/..%2F..%2Fsentinel/detach")]
    [InlineData("/api/groups/-1/detach")]
    [InlineData("/api/groups/99999999999/reattach")]
    [InlineData("/api/groups/%D9%A1%D9%A2/detach")] // ARABIC-INDIC "12": the int constraint takes ASCII digits only
    public async Task GroupRoutes_NumberThatIsNotAGroup_AreRefused(string path)
        => await AssertRefusedAsync(HttpMethod.Post, path, new { dryRun = true });

    [Fact]
    public async Task Refusal_MalformedAddress_SaysWhatIsWrongWithoutEchoingControlCharacters()
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/devices/0000:00:1b%0A%0D%09evil", null);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Malformed PCI address", problem.GetProperty("title").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("expected domain:bus:device.function in hex", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(detail, char.IsControl);
    }

    public void Dispose() => _http.Dispose();

    private async Task AssertRefusedAsync(HttpMethod method, string pathAndQuery, object? body)
    {
        using var response = await SendAsync(method, pathAndQuery, body);
        var text = await response.Content.ReadAsStringAsync();
        var what = $"{method} {pathAndQuery[..Math.Min(pathAndQuery.Length, 120)]} → {(int)response.StatusCode}: {text[..Math.Min(text.Length, 300)]}";

        Assert.DoesNotContain(KestrelDashboard.SentinelText, text, StringComparison.Ordinal);
        // 405: Kestrel resolved the dot segments, and what is left (/api/detach) is no route for this method.
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, what);
        if (response.StatusCode == HttpStatusCode.BadRequest && text.Length == 0 && pathAndQuery.Contains("%00", StringComparison.Ordinal))
        {
            return; // Kestrel refuses a NUL in the path itself, before any of the app runs (no problem body: the app never saw it)
        }

        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()), what);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), what);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, object? body)
    {
        var request = new HttpRequestMessage(method, app.Raw(pathAndQuery));
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        return _http.SendAsync(request);
    }
}
