using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Passthru.Core.History;
using Passthru.Core.Pci;
using Passthru.TestSupport;

namespace Passthru.Web.Tests.Api;

/// <summary>
/// The guest API on libvirt's real test driver (tests/fixtures/libvirt/host.xml: vm-running holds
/// 0000:04:00.6, vm-off is shut off) and a captured real-kernel tree as the host.
/// </summary>
public sealed class GuestApiTests(CapturedHostFactory factory) : IClassFixture<CapturedHostFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private async Task<JsonElement> GuestAsync(string name)
        => (await _client.GetFromJsonAsync<JsonElement>("/api/guests")).EnumerateArray().Single(g => g.GetProperty("name").GetString() == name);

    [Fact]
    public async Task Guests_TestDriver_ListsStatesAndHostdevs()
    {
        var running = await GuestAsync("vm-running");
        var off = await GuestAsync("vm-off");

        Assert.Equal(("running", true), (running.GetProperty("state").GetString(), running.GetProperty("active").GetBoolean()));
        var hostdev = running.GetProperty("hostdevs").EnumerateArray().Single();
        Assert.Equal(("0000:04:00.6", true, true), (hostdev.GetProperty("address").GetString(), hostdev.GetProperty("managed").GetBoolean(), hostdev.GetProperty("live").GetBoolean()));
        Assert.Equal("shut off", off.GetProperty("state").GetString());
        Assert.Equal("paused", (await GuestAsync("vm-paused")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Attach_SoloDeviceToStoppedGuest_IsInItsDefinitionAndHistoryThenDetachRemovesIt()
    {
        var attach = await _client.PostAsJsonAsync("/api/guests/vm-off/devices", new { address = "0000:00:1b.0" });
        Assert.Equal(HttpStatusCode.OK, attach.StatusCode);
        var body = await attach.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("Succeeded", "persistent, managed"), (body.GetProperty("status").GetString(), body.GetProperty("mode").GetString()));
        Assert.Contains("<address domain='0x0000' bus='0x00' slot='0x1b' function='0x0'/>", body.GetProperty("xml")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains((await GuestAsync("vm-off")).GetProperty("hostdevs").EnumerateArray(),
            h => h.GetProperty("address").GetString() == "0000:00:1b.0" && h.GetProperty("persistent").GetBoolean());

        var detach = await _client.DeleteAsync("/api/guests/vm-off/devices/0000:00:1b.0");

        Assert.Equal(HttpStatusCode.OK, detach.StatusCode);
        Assert.DoesNotContain((await GuestAsync("vm-off")).GetProperty("hostdevs").EnumerateArray(), h => h.GetProperty("address").GetString() == "0000:00:1b.0");
        var history = await _client.GetFromJsonAsync<JsonElement>("/api/history?device=0000:00:1b.0");
        var actions = history.EnumerateArray().Where(r => r.GetProperty("guest").GetString() == "vm-off").Select(r => (r.GetProperty("action").GetString(), r.GetProperty("status").GetString())).ToArray();
        Assert.Contains(("AttachToGuest", "Succeeded"), actions);
        Assert.Contains(("DetachFromGuest", "Succeeded"), actions);
    }

    [Fact]
    public async Task Attach_JournalsTheCardWithItsSubsystemIds_WhatAStartIsCheckedAgainst()
    {
        var attach = await _client.PostAsJsonAsync("/api/guests/vm-off/devices", new { address = "0000:00:1b.0" });
        try
        {
            Assert.Equal(HttpStatusCode.OK, attach.StatusCode);
            var journal = factory.Services.GetRequiredService<OperationJournal>();
            var (given, _) = Assert.NotNull(await journal.LastGivenAsync("vm-off", PciAddress.Parse("0000:00:1b.0")));
            Assert.Equal(("8086", "293e", "1af4", "1100"), (given.VendorId, given.DeviceId, given.SubsystemVendorId, given.SubsystemDeviceId));
        }
        finally
        {
            await _client.DeleteAsync("/api/guests/vm-off/devices/0000:00:1b.0");
        }
    }

    [Fact]
    public async Task Attach_FunctionOfSharedGroup_IsRefusedNamingBlockersAndOffersTheWholeGroup()
    {
        var response = await _client.PostAsJsonAsync("/api/guests/vm-off/devices", new { address = "0000:04:00.1" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains("IOMMU group 12 is not whole", detail, StringComparison.Ordinal);
        Assert.Contains("0000:04:00.0 (bochs-drm)", detail, StringComparison.Ordinal);
        Assert.Equal(["0000:04:00.0", "0000:04:00.1", "0000:04:00.6"], problem.GetProperty("wholeGroup").EnumerateArray().Select(a => a.GetString()));
        Assert.DoesNotContain((await GuestAsync("vm-off")).GetProperty("hostdevs").EnumerateArray(), h => h.GetProperty("address").GetString() == "0000:04:00.1");
    }

    [Fact]
    public async Task DeviceOfRunningGuest_HostDetachAndOtherGuest_AreRefused()
    {
        var other = await _client.PostAsJsonAsync("/api/guests/vm-off/devices", new { address = "0000:04:00.6", dryRun = true });
        var host = await _client.PostAsJsonAsync("/api/devices/0000:04:00.6/detach", new { dryRun = true });

        var dryRun = await other.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Null(dryRun.GetProperty("status").GetString()); // a dry run changes nothing and says what would stop it
        Assert.Contains("in use by the running guest vm-running", dryRun.GetProperty("message").GetString(), StringComparison.Ordinal);
        var refusals = (await host.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refusals").EnumerateArray();
        Assert.Contains(refusals, r => r.GetProperty("kind").GetString() == "HeldByRunningGuest" && !r.GetProperty("canOverride").GetBoolean());
    }

    [Fact]
    public async Task Attach_LiveToRunningGuestOnTestDriver_GivesLibvirtsErrorAndChangesNothing()
    {
        var response = await _client.PostAsJsonAsync("/api/guests/vm-running/devices", new { address = "0000:00:1b.0", live = true });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("libvirt refused 0000:00:1b.0 for vm-running", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain((await GuestAsync("vm-running")).GetProperty("hostdevs").EnumerateArray(), h => h.GetProperty("address").GetString() == "0000:00:1b.0");
    }

    [Fact]
    public async Task Attach_DiskTheHostMounts_IsRefusedUnlessForced()
    {
        // The lab's virtio disk holds /var/lib/libvirt/images and swap: a managed attach would unbind it at guest start.
        var refused = await _client.PostAsJsonAsync("/api/guests/vm-paused/devices", new { address = "0000:00:05.0" });
        var forced = await _client.PostAsJsonAsync("/api/guests/vm-paused/devices", new { address = "0000:00:05.0", force = true });

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var refusals = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refusals").EnumerateArray().ToArray();
        Assert.All(refusals, r => Assert.Equal(("InUseByHost", true), (r.GetProperty("kind").GetString(), r.GetProperty("canOverride").GetBoolean())));
        Assert.Contains(refusals, r => r.GetProperty("reason").GetString()!.Contains("/var/lib/libvirt/images", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        Assert.Contains((await GuestAsync("vm-paused")).GetProperty("hostdevs").EnumerateArray(), h => h.GetProperty("address").GetString() == "0000:00:05.0");
    }

    [Theory]
    [InlineData("/api/guests/vm-off/devices", "{\"address\":\"04:00.8\"}", HttpStatusCode.BadRequest)]
    [InlineData("/api/guests/vm-off/devices", "{\"address\":\"0000:00:1b.0\",\"persistent\":false}", HttpStatusCode.BadRequest)]
    [InlineData("/api/guests/no-such-guest/devices", "{\"address\":\"0000:00:1b.0\"}", HttpStatusCode.NotFound)]
    [InlineData("/api/guests/vm-off/devices", "{\"address\":\"0000:7f:00.0\"}", HttpStatusCode.NotFound)]
    public async Task Attach_BadRequests_AreProblemDetails(string path, string json, HttpStatusCode expected)
    {
        var response = await _client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

/// <summary>The app where libvirtd is not running: the guest API says so, the rest works.</summary>
public sealed class NoLibvirtFactory : CapturedHostFactory
{
    protected override string LibvirtUri => LibvirtTestHost.UnreachableUri;
}

public sealed class GuestApiWithoutLibvirtTests(NoLibvirtFactory factory) : IClassFixture<NoLibvirtFactory>
{
    [Fact]
    public async Task Guests_LibvirtNotRunning_Is503WithTheReasonAndDevicesStillWork()
    {
        using var client = factory.CreateClient();

        var guests = await client.GetAsync("/api/guests");
        var devices = await client.GetAsync("/api/devices");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, guests.StatusCode);
        Assert.Contains("libvirtd is not running", (await guests.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, devices.StatusCode);
    }
}
