using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Passthru.TestSupport;

namespace Passthru.Web.Tests.Api;

public sealed class BindingApiTests(CapturedHostFactory factory) : IClassFixture<CapturedHostFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Detach_DryRun_ListsMovesAndLossesAndChangesNothing()
    {
        var response = await _client.PostAsJsonAsync("/api/groups/12/detach", new { dryRun = true });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("dryRun").GetBoolean());
        Assert.Equal(["0000:04:00.0", "0000:04:00.1", "0000:04:00.6"],
            body.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("address").GetString()!));
        Assert.Contains(body.GetProperty("refusals").EnumerateArray(), r => r.GetProperty("reason").GetString()!.Contains("fbcon", StringComparison.Ordinal));
        Assert.Equal("(null)", File.ReadAllText(Path.Combine(CapturedTrees.Path(CapturedHostFactory.Tree), "sys/bus/pci/devices/0000:04:00.6/driver_override")).Trim());
    }

    [Fact]
    public async Task Detach_MountedDisk_Is409WithReasonAndIsInTheHistory()
    {
        var response = await _client.PostAsJsonAsync("/api/devices/0000:00:05.0/detach", new { });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("/dev/vda1 is mounted on /var/lib/libvirt/images", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("Refused", problem.GetProperty("outcome").GetString());

        var history = await _client.GetFromJsonAsync<JsonElement>("/api/history?device=0000:00:05.0&status=Refused");
        var record = history.EnumerateArray().First();
        Assert.Equal("Detach", record.GetProperty("action").GetString());
        Assert.False(string.IsNullOrEmpty(record.GetProperty("actor").GetString()));
    }

    [Fact]
    public async Task Detach_CardNotWhatWasSeen_IsRefusedEvenForced()
    {
        var response = await _client.PostAsJsonAsync("/api/devices/0000:00:1b.0/detach", new { force = true, expect = "1002:aaf0" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("not the [1002:aaf0] you saw", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/devices/04:00.8/detach", HttpStatusCode.BadRequest)]
    [InlineData("/api/devices/0000:7f:00.0/detach", HttpStatusCode.NotFound)]
    [InlineData("/api/groups/999/reattach", HttpStatusCode.NotFound)]
    public async Task Binding_BadTargets_AreProblemDetails(string path, HttpStatusCode expected)
    {
        var response = await _client.PostAsJsonAsync(path, new { dryRun = true });
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Detach_FormPostWithoutJson_IsRejected()
    {
        // What a cross-site HTML form can send: no JSON body.
        using var form = new StringContent("dryRun=false", Encoding.UTF8, "application/x-www-form-urlencoded");
        var response = await _client.PostAsync("/api/devices/0000:00:1b.0/detach", form);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Detach_FromAnotherOrigin_IsForbidden()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/devices/0000:00:1b.0/detach") { Content = JsonContent.Create(new { dryRun = true }) };
        request.Headers.Add("Origin", "https://evil.example");
        var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task History_MalformedDeviceFilter_Is400()
        => Assert.Equal(HttpStatusCode.BadRequest, (await _client.GetAsync("/api/history?device=../etc")).StatusCode);
}

/// <summary>The app on a writable copy of a captured tree, for a real (fixture-root) detach through the API.</summary>
public sealed class WritableHostFactory : CapturedHostFactory
{
    private readonly string _tree = CapturedTrees.Copy(CapturedHostFactory.Tree);

    protected override string TreeRoot => _tree;

    public string TreeCopy => _tree;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (Directory.Exists(_tree))
        {
            Directory.Delete(_tree, recursive: true);
        }
    }
}

public sealed class BindingApiFixtureRootTests(WritableHostFactory factory) : IClassFixture<WritableHostFactory>
{
    [Fact]
    public async Task Detach_OnFixtureRoot_FailsVerificationIsUndoneAndReportedAsProblem()
    {
        // No kernel acts on a fixture root's files: the bind cannot verify, and the service undoes it.
        var response = await factory.CreateClient().PostAsJsonAsync("/api/devices/0000:00:1b.0/detach", new { expect = "8086:293e" });

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Failed and undone", problem.GetProperty("title").GetString());
        Assert.Equal("RolledBack", problem.GetProperty("outcome").GetString());
        Assert.True(problem.GetProperty("operationId").GetInt64() > 0);
        Assert.Equal("\n", File.ReadAllText(Path.Combine(factory.TreeCopy, "sys/bus/pci/devices/0000:00:1b.0/driver_override")));
    }
}
