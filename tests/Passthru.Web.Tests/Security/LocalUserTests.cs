using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Passthru.TestSupport;

namespace Passthru.Web.Tests.Security;

/// <summary>
/// Logins off (the default), real Kestrel on loopback, and requests sent by real processes of real host
/// accounts (runuser + curl): the user is the owner of the connection, and only root, the account running
/// Passthru and the allowed groups may read or change anything. This test process runs as root.
/// </summary>
public sealed class LocalUserTests(KestrelDashboard dashboard) : IClassFixture<KestrelDashboard>
{
    private const string DiskController = "0000:00:05.0";

    [PamFact]
    public async Task AnOutsider_CanReadNothing_AndIsToldWhy()
    {
        var (status, body) = await CurlAsync(PamTestAccounts.Outsider, "/api/groups");

        Assert.Equal(403, status);
        var detail = JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString();
        Assert.StartsWith($"{PamTestAccounts.Outsider} may not use Passthru on this host. Logins are off, so only root and members of wheel, sudo may", detail, StringComparison.Ordinal);
        Assert.Equal(403, (await CurlAsync(PamTestAccounts.Outsider, "/")).Status);
        // The hub's negotiation, the first step of every SignalR client, and the circuit's.
        Assert.Equal(403, (await CurlAsync(PamTestAccounts.Outsider, "/hubs/host/negotiate?negotiateVersion=1", "{}")).Status);
        Assert.Equal(403, (await CurlAsync(PamTestAccounts.Outsider, "/_blazor/negotiate?negotiateVersion=1", "{}")).Status);
    }

    [PamFact]
    public async Task AnOutsider_CannotDetachTheDisksControllerOrForceAGuestOff_AndNothingIsJournaled()
    {
        using var root = new HttpClient { BaseAddress = dashboard.BaseAddress };
        var before = await HistoryCountAsync(root);

        var detach = await CurlAsync(PamTestAccounts.Outsider, $"/api/devices/{DiskController}/detach", """{"force":true}""");
        var shutdown = await CurlAsync(PamTestAccounts.Outsider, "/api/guests/vm-running/shutdown", """{"force":true}""");

        Assert.Equal((403, 403), (detach.Status, shutdown.Status));
        Assert.Equal(before, await HistoryCountAsync(root));
        var guests = await root.GetFromJsonAsync<JsonElement>("/api/guests");
        Assert.Equal("running", guests.EnumerateArray().Single(g => g.GetProperty("name").GetString() == "vm-running").GetProperty("state").GetString());
        Assert.Equal("(null)", File.ReadAllText(Path.Combine(dashboard.Tree, $"sys/bus/pci/devices/{DiskController}/driver_override")).Trim());
    }

    [PamFact]
    public async Task AMemberOfAnAllowedGroup_MayActAndTheHistoryNamesTheAccount()
    {
        Assert.Equal(200, (await CurlAsync(PamTestAccounts.Admin, "/api/groups")).Status);

        // On a fixture root the bind cannot verify and is undone, but it is journaled with its actor.
        var detach = await CurlAsync(PamTestAccounts.Admin, "/api/devices/0000:00:1b.0/detach", """{"expect":"8086:293e"}""");

        var operationId = JsonDocument.Parse(detach.Body).RootElement.GetProperty("operationId").GetInt64();
        using var root = new HttpClient { BaseAddress = dashboard.BaseAddress };
        var record = (await root.GetFromJsonAsync<JsonElement>("/api/history")).EnumerateArray().Single(r => r.GetProperty("id").GetInt64() == operationId);
        Assert.Equal((PamTestAccounts.Admin, "127.0.0.1"), (record.GetProperty("actor").GetString(), record.GetProperty("remoteAddress").GetString()));
    }

    private static async Task<int> HistoryCountAsync(HttpClient client)
        => (await client.GetFromJsonAsync<JsonElement>("/api/history?limit=5000")).GetArrayLength();

    /// <summary>A request sent by a process of <paramref name="user"/>: a POST with a JSON body when one is given.</summary>
    private async Task<(int Status, string Body)> CurlAsync(string user, string path, string? json = null)
    {
        string[] post = json is null ? [] : ["-X", "POST", "-H", "Content-Type: application/json", "--data", json];
        var output = await ProcessRunner.RunAsync("runuser",
            ["-u", user, "--", "curl", "-sS", "--max-time", "60", "-w", "\n%{http_code}", .. post, new Uri(dashboard.BaseAddress, path).ToString()]);
        var lastLine = output.LastIndexOf('\n');
        return (int.Parse(output[(lastLine + 1)..], System.Globalization.CultureInfo.InvariantCulture), output[..Math.Max(lastLine, 0)]);
    }
}
