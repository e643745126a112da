using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Passthru.Web.Hubs;
using Passthru.Web.Live;
using Passthru.Web.Tests.Live;

namespace Passthru.Web.Tests.Api;

/// <summary>GET /api/interrupts and the /hubs/host stream, on a tree the tests change under the running app, on the app's fake clock.</summary>
public sealed class LiveApiTests(LiveHostFactory factory) : IClassFixture<LiveHostFactory>
{
    private static readonly TimeSpan Period = LiveHostFactory.SamplePeriod;

    private LiveHost Live => factory.Services.GetRequiredService<LiveHost>();

    private static bool HasSoundRate(JsonElement body)
        => body.ValueKind == JsonValueKind.Object && body.GetProperty("lines").EnumerateArray()
            .Any(l => l.GetProperty("actions").GetString() == SoundCardCounts.Handler && l.GetProperty("perSecond").GetDouble() > 0);

    /// <summary>Moves the clock a sample period at a time until <paramref name="task"/> is done, then gives its result.</summary>
    private async Task<T> AdvanceUntilDoneAsync<T>(Task<T> task, string what, Action? eachStep = null)
    {
        await factory.Time.AdvanceUntilAsync(Period, () =>
        {
            eachStep?.Invoke();
            return task.IsCompleted;
        }, what);
        return await task;
    }

    [Fact]
    public async Task Interrupts_WhileCountsRise_GivesRowsWithDeviceAndRate()
    {
        using var client = factory.CreateClient();
        ulong count = 1000;

        // A rate needs the count to move between two samples: it rises before each step of the clock. Should a
        // sample be taken late, after the next rise, the one after it sees no change: then ask again.
        JsonElement body = default;
        for (var attempt = 0; attempt < 20 && !HasSoundRate(body); attempt++)
        {
            factory.Time.Advance(Period);
            body = await AdvanceUntilDoneAsync(client.GetFromJsonAsync<JsonElement>("/api/interrupts"), "an answer with rates",
                () => SoundCardCounts.Write(factory.Root, count += 50));
        }

        Assert.Equal(["CPU0", "CPU1"], body.GetProperty("cpus").EnumerateArray().Select(c => c.GetString()));
        var sound = body.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("actions").GetString() == SoundCardCounts.Handler);
        Assert.Equal("0000:00:1b.0", sound.GetProperty("device").GetProperty("address").GetString());
        Assert.Equal("MsiIrqsDirectory", sound.GetProperty("device").GetProperty("source").GetString());
        Assert.Equal(2, sound.GetProperty("perCpu").GetArrayLength());
        Assert.True(sound.GetProperty("perSecond").GetDouble() > 0);
        Assert.Contains(body.GetProperty("devices").EnumerateArray(), d => d.GetProperty("address").GetString() == "0000:00:1b.0");
    }

    [Fact]
    public async Task LiveHost_NobodyWatching_TakesNoSamples()
    {
        using var client = factory.CreateClient();
        var samplers = factory.Services.GetRequiredService<SyntheticSamplers>();
        factory.Time.Advance(3 * Period); // the latest sample is stale: the call watches until the next one
        _ = await AdvanceUntilDoneAsync(client.GetFromJsonAsync<JsonElement>("/api/interrupts"), "an answer");
        await TimeDriving.WaitUntilAsync(() => Live.SubscriberCount == 0, "the caller gone");
        var samples = samplers.Samples;

        // Ten sample periods with nobody watching (the history is off here: there is nothing to sample for). The
        // producer notices that the caller left at once or at its next sample, and samples no more.
        var quietUntil = factory.Time.GetUtcNow() + (10 * Period);
        await factory.Time.AdvanceUntilAsync(Period, () => factory.Time.GetUtcNow() >= quietUntil, "ten quiet periods");
        using var subscription = Live.Subscribe();
        var woken = await subscription.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        // The one who comes next is shown a sample taken as they came.
        Assert.Equal(factory.Time.GetUtcNow(), woken.Interrupts.At);
        Assert.InRange(samplers.Samples - samples, 1, 2);
    }

    [Fact]
    public async Task Hub_DriverChangedInTheTree_StreamsTheNewDriver()
    {
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(factory.Server.BaseAddress, HostHub.Path), options =>
            {
                options.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling; // the test server speaks HTTP only
            })
            .Build();
        await connection.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var updates = connection.StreamAsync<JsonElement>("Updates", timeout.Token).GetAsyncEnumerator(timeout.Token);

        Assert.True(await AdvanceUntilDoneAsync(updates.MoveNextAsync().AsTask(), "the first message"));
        Assert.Equal("snd_hda_intel", Driver(updates.Current, "0000:00:1b.0"));

        // What `echo 0000:00:1b.0 > .../bind` of vfio-pci leaves behind: the device's driver link.
        var link = factory.TreePath("sys/bus/pci/devices/0000:00:1b.0/driver");
        File.Delete(link);
        File.CreateSymbolicLink(link, "../../../bus/pci/drivers/vfio-pci");
        try
        {
            string? driver = null;
            // Without uevents (a tree, not this machine's root) the producer rescans every DevicePollMs.
            while (driver != "vfio-pci" && await AdvanceUntilDoneAsync(updates.MoveNextAsync().AsTask(), "the next message"))
            {
                if (updates.Current.GetProperty("devices").ValueKind == JsonValueKind.Array)
                {
                    driver = Driver(updates.Current, "0000:00:1b.0");
                }
            }

            Assert.Equal("vfio-pci", driver);
        }
        finally
        {
            File.Delete(link);
            File.CreateSymbolicLink(link, "../../../bus/pci/drivers/snd_hda_intel");
        }
    }

    private static string? Driver(JsonElement update, string address)
        => update.GetProperty("devices").EnumerateArray().Single(d => d.GetProperty("address").GetString() == address).GetProperty("driver").GetString();
}
