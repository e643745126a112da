using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Passthru.Web.Tests.Api;

public sealed class HostApiTests(CapturedHostFactory factory) : IClassFixture<CapturedHostFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task GetDevices_CapturedTree_ListsEveryFunctionCamelCase()
    {
        var devices = await _client.GetFromJsonAsync<JsonElement>("/api/devices");

        var addresses = devices.EnumerateArray().Select(d => d.GetProperty("address").GetString()).ToArray();
        Assert.Contains("0000:04:00.6", addresses);
        Assert.Equal(addresses.Order(StringComparer.Ordinal), addresses);
        var sound = devices.EnumerateArray().Single(d => d.GetProperty("address").GetString() == "0000:04:00.6");
        Assert.Equal("8086", sound.GetProperty("vendorId").GetString());
        Assert.Equal("snd_hda_intel", sound.GetProperty("driver").GetString());
        Assert.Equal("Audio device", sound.GetProperty("className").GetString());
    }

    [Fact]
    public async Task GetDevice_SharedSoundCard_ExplainsWhatBlocksIt()
    {
        var detail = await _client.GetFromJsonAsync<JsonElement>("/api/devices/0000:04:00.6");

        var passthrough = detail.GetProperty("passthrough");
        Assert.Equal("BlockedByGroup", passthrough.GetProperty("verdict").GetString());
        var blockers = passthrough.GetProperty("blockers").EnumerateArray().Select(b => b.GetString()!).ToArray();
        Assert.Equal(["0000:04:00.0", "0000:04:00.1"], blockers);
        Assert.Contains(passthrough.GetProperty("waysOut").EnumerateArray(), w => w.GetProperty("kind").GetString() == "PassWholeGroup");
        Assert.Contains(detail.GetProperty("group").GetProperty("sharedBecause").EnumerateArray(),
            r => r.GetProperty("kind").GetString() == "MultifunctionWithoutAcs");
    }

    [Fact]
    public async Task GetDevice_ShortAddress_IsAccepted()
    {
        var detail = await _client.GetFromJsonAsync<JsonElement>("/api/devices/04:00.6");
        Assert.Equal("0000:04:00.6", detail.GetProperty("device").GetProperty("address").GetString());
    }

    [Theory]
    [InlineData("04:00.8")]
    [InlineData("hello")]
    [InlineData("..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("0000:04:00.6;ls")]
    public async Task GetDevice_MalformedAddress_Is400ProblemWithReason(string address)
    {
        var response = await _client.GetAsync($"/api/devices/{address}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("PCI address", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("%2E%2E")]
    [InlineData("..")]
    [InlineData("../../../../etc/passwd")]
    [InlineData("%2E%2E%2F%2E%2E%2Fetc%2Fpasswd")]
    public async Task GetDevice_PathTraversal_NeverReadsOutsideSysfs(string address)
    {
        // Decoded dots are normalised away by routing (404); encoded slashes reach the handler and fail validation (400).
        var response = await _client.GetAsync($"/api/devices/{address}");

        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.NotFound });
        Assert.DoesNotContain("root:", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetDevice_UnknownAddress_Is404()
    {
        var response = await _client.GetAsync("/api/devices/0000:7f:1f.7");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("0000:7f:1f.7", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetGroups_CapturedTree_GroupsMatchDevicesGroupNumbers()
    {
        var groups = await _client.GetFromJsonAsync<JsonElement>("/api/groups");
        var devices = await _client.GetFromJsonAsync<JsonElement>("/api/devices");

        foreach (var device in devices.EnumerateArray())
        {
            var number = device.GetProperty("iommuGroup").GetInt32();
            var group = groups.EnumerateArray().Single(g => g.GetProperty("number").GetInt32() == number);
            Assert.Contains(device.GetProperty("address").GetString(), group.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
        }
    }

    [Fact]
    public async Task GetHost_CapturedTree_ReportsIommuAndChecks()
    {
        var host = await _client.GetFromJsonAsync<JsonElement>("/api/host");

        Assert.Contains("dmar0", host.GetProperty("iommuUnits").EnumerateArray().Select(u => u.GetString()));
        var checks = host.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("Pass", checks["iommu-enabled"]);
        Assert.Equal("Pass", checks["interrupt-remapping"]);
        Assert.Equal("Pass", checks["iommu-pt"]);
    }

    [Fact]
    public async Task Responses_CarrySecurityHeaders()
    {
        var response = await _client.GetAsync("/api/host");
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_ForeignHostHeader_IsRejected()
    {
        // DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 must not reach the API.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/host");
        request.Headers.Host = "evil.example";
        var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
