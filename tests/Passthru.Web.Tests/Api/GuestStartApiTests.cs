using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Passthru.TestSupport;

namespace Passthru.Web.Tests.Api;

/// <summary>
/// The app on a writable copy of intel-initial (00:05.0's disk holds /dev/vda1, mounted, and /dev/vda2, swap) and
/// libvirt's test driver with two stopped guests defined outside Passthru: vm-disk and vm-later, each with 00:05.0 managed.
/// </summary>
public sealed class StartGuestHostFactory : CapturedHostFactory
{
    private readonly string _tree = CapturedTrees.Copy(Tree);
    private readonly string _libvirtHost = LibvirtHostWithGuests.Write(("vm-disk", true, ["0000:00:05.0"]), ("vm-later", true, []));

    public string TreeCopy => _tree;

    protected override string TreeRoot => _tree;

    protected override string LibvirtUri => "test://" + _libvirtHost;

    /// <summary>The guest's starts in the history, newest first.</summary>
    public async Task<JsonElement[]> StartsAsync(HttpClient client, string guest)
        => (await client.GetFromJsonAsync<JsonElement>("/api/history?action=StartGuest")).EnumerateArray()
            .Where(s => s.GetProperty("guest").GetString() == guest).ToArray();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (Directory.Exists(_tree))
        {
            Directory.Delete(_tree, recursive: true);
        }

        File.Delete(_libvirtHost);
    }
}

/// <summary>A guest's start is when libvirt takes its managed devices from the host, so it is planned and refused as their detach would be.</summary>
public sealed class GuestStartApiTests(StartGuestHostFactory factory) : IClassFixture<StartGuestHostFactory>
{
    private const string Disk = "0000:00:05.0";

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Start_GuestGivenTheMountedDisksControllerOutsidePassthru_IsRefusedUntilForced_AndTheHistoryKeepsTheOverride()
    {
        var dryRun = await (await _client.PostAsJsonAsync("/api/guests/vm-disk/start", new { dryRun = true })).Content.ReadFromJsonAsync<JsonElement>();
        var plan = dryRun.GetProperty("devices").EnumerateArray().Single(d => d.GetProperty("address").GetString() == Disk);
        Assert.Equal(("virtio-pci", "vfio-pci"), (plan.GetProperty("driverNow").GetString(), plan.GetProperty("driverAfter").GetString()));
        Assert.NotEmpty(plan.GetProperty("hostLoses").EnumerateArray());

        var refused = await _client.PostAsJsonAsync("/api/guests/vm-disk/start", new { });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("/dev/vda1 is mounted on /var/lib/libvirt/images", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("shut off", await StateAsync("vm-disk"));

        var forced = await _client.PostAsJsonAsync("/api/guests/vm-disk/start", new { force = true, plan = dryRun.GetProperty("fingerprint").GetString() });
        Assert.Equal(HttpStatusCode.NoContent, forced.StatusCode);
        Assert.Equal("running", await StateAsync("vm-disk"));

        var starts = await factory.StartsAsync(_client, "vm-disk");
        Assert.Equal(["Succeeded", "Refused"], starts.Select(s => s.GetProperty("status").GetString()));
        Assert.True(starts[0].GetProperty("forced").GetBoolean());
        Assert.Equal(dryRun.GetProperty("fingerprint").GetString(), starts[0].GetProperty("planFingerprint").GetString());
        Assert.Contains(starts[0].GetProperty("overridden").EnumerateArray(), r => r.GetString()!.Contains("/dev/vda2 is active swap", StringComparison.Ordinal));
    }

    private async Task<string?> StateAsync(string guest)
        => (await _client.GetFromJsonAsync<JsonElement>("/api/guests")).EnumerateArray()
            .Single(g => g.GetProperty("name").GetString() == guest).GetProperty("state").GetString();
}

/// <summary>Overrides given when a device went to a guest count at its start; what came after does not.</summary>
public sealed class GuestStartAfterGiveApiTests(StartGuestHostFactory factory) : IClassFixture<StartGuestHostFactory>
{
    private const string Disk = "0000:00:05.0";

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Start_WhatTheHostLosesWasConfirmedWhenTheDeviceWasGiven_StartsWithoutAskingAgain_ButNotForWhatCameAfter()
    {
        var given = await _client.PostAsJsonAsync("/api/guests/vm-later/devices", new { address = Disk, force = true });
        Assert.Equal(HttpStatusCode.OK, given.StatusCode);
        var dryRun = await (await _client.PostAsJsonAsync("/api/guests/vm-later/start", new { dryRun = true })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Empty(dryRun.GetProperty("refusals").EnumerateArray());

        // After the device was given, its disk is mounted once more: that, nobody has confirmed.
        await File.AppendAllTextAsync(Path.Combine(factory.TreeCopy, "proc/mounts"), "/dev/vda1 /mnt/backup ext4 rw,relatime 0 0\n");
        var refused = await _client.PostAsJsonAsync("/api/guests/vm-later/start", new { });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var refusals = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refusals").EnumerateArray().Select(r => r.GetProperty("reason").GetString()!).ToArray();
        Assert.Equal(["0000:00:05.0 (Virtio block device): /dev/vda1 is mounted on /mnt/backup."], refusals);

        await File.WriteAllTextAsync(Path.Combine(factory.TreeCopy, "proc/mounts"),
            (await File.ReadAllTextAsync(Path.Combine(factory.TreeCopy, "proc/mounts"))).Replace("/dev/vda1 /mnt/backup ext4 rw,relatime 0 0\n", "", StringComparison.Ordinal));
        var started = await _client.PostAsJsonAsync("/api/guests/vm-later/start", new { });
        Assert.Equal(HttpStatusCode.NoContent, started.StatusCode);
        var start = (await factory.StartsAsync(_client, "vm-later"))[0];
        Assert.True(start.GetProperty("forced").GetBoolean());
        Assert.Contains(start.GetProperty("overridden").EnumerateArray(), r => r.GetString()!.Contains("/dev/vda1 is mounted on /var/lib/libvirt/images", StringComparison.Ordinal));
    }
}
