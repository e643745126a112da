using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Passthru.Web.Tests.Api;

public sealed class BootApiTests(ScratchConfigRootFactory factory) : IClassFixture<ScratchConfigRootFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private string Rule(string address) => Path.Combine(factory.ConfigRoot, $"etc/udev/rules.d/61-passthru-vfio-{address}.rules");

    [Fact]
    public async Task ClaimListRelease_ThroughTheApi_WithThePlanTheCallerSaw()
    {
        var dryRun = await _client.PostAsJsonAsync("/api/boot/claims", new { group = 12, dryRun = true, force = true });
        Assert.Equal(HttpStatusCode.OK, dryRun.StatusCode);
        var plan = await dryRun.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(plan.GetProperty("files").EnumerateArray(), f => f.GetProperty("path").GetString() == "/etc/udev/rules.d/61-passthru-vfio-0000:04:00.6.rules"
            && f.GetProperty("change").GetString() == "create");
        Assert.False(File.Exists(Rule("0000:04:00.6")));

        var stale = await _client.PostAsJsonAsync("/api/boot/claims", new { group = 12, force = true, plan = "0123456789abcdef" });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("Plan changed", (await stale.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.False(File.Exists(Rule("0000:04:00.6")));

        var claim = await _client.PostAsJsonAsync("/api/boot/claims", new { group = 12, force = true, plan = plan.GetProperty("fingerprint").GetString() });
        Assert.Equal(HttpStatusCode.OK, claim.StatusCode);
        Assert.True(File.Exists(Rule("0000:04:00.6")));

        var boot = await _client.GetFromJsonAsync<JsonElement>("/api/boot");
        var claims = boot.GetProperty("claims").EnumerateArray().ToArray();
        Assert.Equal(["0000:04:00.0", "0000:04:00.1", "0000:04:00.6"], claims.Select(c => c.GetProperty("address").GetString()!));
        // The tree is the kernel's state before any reboot: nothing is on vfio-pci yet.
        Assert.All(claims, c => Assert.Equal("NotApplied", c.GetProperty("state").GetString()));
        Assert.Equal("8086:293e", claims[2].GetProperty("ids").GetString());

        var history = await _client.GetFromJsonAsync<JsonElement>("/api/history?action=ClaimAtBoot");
        Assert.Equal("Succeeded", history.EnumerateArray().First().GetProperty("status").GetString());

        var release = await _client.DeleteAsync("/api/boot/claims/0000:04:00.6");
        Assert.Equal(HttpStatusCode.OK, release.StatusCode);
        Assert.False(File.Exists(Rule("0000:04:00.6")));
        Assert.True(File.Exists(Rule("0000:04:00.1")));

        var again = await _client.DeleteAsync("/api/boot/claims/0000:04:00.6");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Contains("not claimed at boot", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"address":"0000:04:00.6","group":12,"dryRun":true}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"dryRun":true}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"address":"04:00.8/../x","dryRun":true}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"group":999,"dryRun":true}""", HttpStatusCode.NotFound)]
    [InlineData("""{"group":12,"plan":"not a plan"}""", HttpStatusCode.BadRequest)]
    public async Task Claim_BadRequests_AreProblemDetailsAndWriteNothing(string body, HttpStatusCode expected)
    {
        var response = await _client.PostAsync("/api/boot/claims", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(File.Exists(Rule("0000:04:00.6")));
    }
}
