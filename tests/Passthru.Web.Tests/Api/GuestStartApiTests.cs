using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Passthru.Web.Tests.Api;

/// <summary>
/// A guest's start is when libvirt takes its managed devices from the host, so it is planned and
/// refused as their detach would be. libvirt's test driver and the intel-initial capture: 00:05.0's
/// disk holds /dev/vda1 (mounted) and /dev/vda2 (swap).
/// </summary>
public sealed class GuestStartApiTests(WritableHostFactory factory) : IClassFixture<WritableHostFactory>
{
    private const string Disk = "0000:00:05.0";

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Start_GuestWithTheMountedDisksControllerManaged_IsRefusedUntilForced_AndTheHistoryKeepsTheOverride()
    {
        var attached = await _client.PostAsJsonAsync("/api/guests/vm-off/devices", new { address = Disk, force = true });
        Assert.Equal(HttpStatusCode.OK, attached.StatusCode);

        var dryRun = await (await _client.PostAsJsonAsync("/api/guests/vm-off/start", new { dryRun = true })).Content.ReadFromJsonAsync<JsonElement>();
        var plan = dryRun.GetProperty("devices").EnumerateArray().Single(d => d.GetProperty("address").GetString() == Disk);
        Assert.Equal(("virtio-pci", "vfio-pci"), (plan.GetProperty("driverNow").GetString(), plan.GetProperty("driverAfter").GetString()));
        Assert.NotEmpty(plan.GetProperty("hostLoses").EnumerateArray());

        var refused = await _client.PostAsJsonAsync("/api/guests/vm-off/start", new { });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("/dev/vda1 is mounted on /var/lib/libvirt/images", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("shut off", await StateAsync());

        var forced = await _client.PostAsJsonAsync("/api/guests/vm-off/start", new { force = true, plan = dryRun.GetProperty("fingerprint").GetString() });
        Assert.Equal(HttpStatusCode.NoContent, forced.StatusCode);
        Assert.Equal("running", await StateAsync());

        var starts = (await _client.GetFromJsonAsync<JsonElement>("/api/history?action=StartGuest")).EnumerateArray().ToArray();
        Assert.Equal(["Succeeded", "Refused"], starts.Select(s => s.GetProperty("status").GetString()));
        Assert.True(starts[0].GetProperty("forced").GetBoolean());
        Assert.Equal(dryRun.GetProperty("fingerprint").GetString(), starts[0].GetProperty("planFingerprint").GetString());
        Assert.Contains(starts[0].GetProperty("overridden").EnumerateArray(), r => r.GetString()!.Contains("/dev/vda2 is active swap", StringComparison.Ordinal));
    }

    private async Task<string?> StateAsync()
        => (await _client.GetFromJsonAsync<JsonElement>("/api/guests")).EnumerateArray()
            .Single(g => g.GetProperty("name").GetString() == "vm-off").GetProperty("state").GetString();
}
