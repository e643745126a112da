using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Passthru.TestSupport;

namespace Passthru.Web.Tests.Api;

/// <summary>
/// Every change goes through one queue. On a writable copy of a captured tree whose
/// <c>drivers_probe</c> is a FIFO (SYNTHETIC: a driver that stalls in probe, as 00:1b.0 did for 3 s
/// when a guest start slipped in beside its reattach): the write blocks until the test reads it.
/// </summary>
public sealed class ChangeQueueApiTests(WritableHostFactory factory) : IClassFixture<WritableHostFactory>
{
    private const string Card = "0000:00:1b.0";

    private readonly HttpClient _client = factory.CreateClient();

    private string DriversProbe => Path.Combine(factory.TreeCopy, "sys/bus/pci/drivers_probe");

    [Fact]
    public async Task DetachAndAttachOfTheSameGroup_AtOnce_TheAttachWaitsAndTheHistoryShowsBothInOrder()
    {
        File.Delete(DriversProbe);
        await ProcessRunner.RunAsync("mkfifo", [DriversProbe]);

        var detach = _client.PostAsJsonAsync($"/api/devices/{Card}/detach", new { });
        var inProgress = await WaitForChangeInProgressAsync();
        Assert.Equal($"detach of {Card}", inProgress);

        var attach = _client.PostAsJsonAsync("/api/guests/vm-off/devices", new { address = Card });
        // Had it not waited for the detach, libvirt's test driver would have answered at once.
        Assert.NotSame(attach, await Task.WhenAny(attach, Task.Delay(TimeSpan.FromSeconds(1))));
        Assert.False(detach.IsCompleted);

        await ReleaseStalledProbeAsync();
        var (detached, attached) = (await detach, await attach);

        Assert.Equal(HttpStatusCode.InternalServerError, detached.StatusCode); // rolled back: the fixture root binds nothing
        Assert.Equal(HttpStatusCode.OK, attached.StatusCode);
        var history = (await _client.GetFromJsonAsync<JsonElement>($"/api/history?device={Card}")).EnumerateArray().Reverse().ToArray();
        Assert.Equal(["Detach", "AttachToGuest"], history.Select(r => r.GetProperty("action").GetString()));
        Assert.True(history[1].GetProperty("startedAt").GetDateTimeOffset() >= history[0].GetProperty("finishedAt").GetDateTimeOffset(),
            "the attach began before the detach ended");
    }

    /// <summary>A dry run does not wait behind the stalled change: it answers, and names the change in progress.</summary>
    private async Task<string> WaitForChangeInProgressAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var dryRun = await (await _client.PostAsJsonAsync($"/api/devices/{Card}/detach", new { dryRun = true })).Content.ReadFromJsonAsync<JsonElement>();
            if (dryRun.GetProperty("changeInProgress").GetString() is { } running)
            {
                return running;
            }

            Assert.True(DateTime.UtcNow < deadline, "the detach never showed as in progress");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Lets the stalled write finish: the FIFO moves aside (the writer waiting in open() keeps it) and a plain
    /// file takes its place for the writes that follow (the rollback's), then the test reads the FIFO once.
    /// </summary>
    private async Task ReleaseStalledProbeAsync()
    {
        var aside = DriversProbe + ".stalled";
        File.Move(DriversProbe, aside);
        await File.WriteAllTextAsync(DriversProbe, "");
        await File.ReadAllTextAsync(aside);
    }
}
