using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Passthru.Web.Hubs;
using Passthru.Web.Live;

namespace Passthru.Web.Tests.Api;

/// <summary>GET /api/interrupts and the /hubs/host stream, on a tree the tests change under the running app.</summary>
public sealed class LiveApiTests(LiveHostFactory factory) : IClassFixture<LiveHostFactory>
{
    private const string SoundHandler = "snd_hda_intel:card0";

    /// <summary>Sets the sound card's row of the tree's proc/interrupts to <paramref name="count"/> on CPU0.</summary>
    private void WriteSoundCount(ulong count)
    {
        var path = factory.TreePath("proc/interrupts");
        var lines = File.ReadAllLines(path).Select(l => l.EndsWith(SoundHandler, StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"{l[..l.IndexOf(':', StringComparison.Ordinal)]}: {count,10} {0,10}  IR-PCI-MSI 442368-edge      {SoundHandler}")
            : l);
        var staged = path + ".new";
        File.WriteAllLines(staged, lines);
        File.Move(staged, path, overwrite: true);
    }

    private static bool HasSoundRate(JsonElement body)
        => body.ValueKind == JsonValueKind.Object && body.GetProperty("lines").EnumerateArray()
            .Any(l => l.GetProperty("actions").GetString() == SoundHandler && l.GetProperty("perSecond").GetDouble() > 0);

    [Fact]
    public async Task Interrupts_WhileCountsRise_GivesRowsWithDeviceAndRate()
    {
        using var client = factory.CreateClient();
        using var rising = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (ulong count = 1000; !rising.IsCancellationRequested; count += 50)
            {
                WriteSoundCount(count);
                await Task.Delay(50);
            }
        });

        // A rate needs the count to move between two samples: on a loaded machine the writer can miss a
        // 200 ms period, so ask again (a few periods at most) until a rise falls between two reads.
        JsonElement body = default;
        for (var attempt = 0; attempt < 20 && !HasSoundRate(body); attempt++)
        {
            body = await client.GetFromJsonAsync<JsonElement>("/api/interrupts");
        }

        await rising.CancelAsync();
        await writer;

        Assert.Equal(["CPU0", "CPU1"], body.GetProperty("cpus").EnumerateArray().Select(c => c.GetString()));
        var sound = body.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("actions").GetString() == SoundHandler);
        Assert.Equal("0000:00:1b.0", sound.GetProperty("device").GetProperty("address").GetString());
        Assert.Equal("MsiIrqsDirectory", sound.GetProperty("device").GetProperty("source").GetString());
        Assert.Equal(2, sound.GetProperty("perCpu").GetArrayLength());
        Assert.True(sound.GetProperty("perSecond").GetDouble() > 0);
        Assert.Contains(body.GetProperty("devices").EnumerateArray(), d => d.GetProperty("address").GetString() == "0000:00:1b.0");
    }

    [Fact]
    public async Task LiveHost_NobodyWatching_StopsSampling()
    {
        using var client = factory.CreateClient();
        var live = factory.Services.GetRequiredService<LiveHost>();
        _ = await client.GetFromJsonAsync<JsonElement>("/api/interrupts");

        await Task.Delay(LiveHostFactory.SampleMs * 3);  // the loop notices at its next tick that the caller left
        var settled = live.Current.Interrupts.At;
        await Task.Delay(LiveHostFactory.SampleMs * 5);

        Assert.Equal(0, live.SubscriberCount);
        Assert.Equal(settled, live.Current.Interrupts.At);
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

        Assert.True(await updates.MoveNextAsync());
        Assert.Equal("snd_hda_intel", Driver(updates.Current, "0000:00:1b.0"));

        // What `echo 0000:00:1b.0 > .../bind` of vfio-pci leaves behind: the device's driver link.
        var link = factory.TreePath("sys/bus/pci/devices/0000:00:1b.0/driver");
        File.Delete(link);
        File.CreateSymbolicLink(link, "../../../bus/pci/drivers/vfio-pci");
        try
        {
            string? driver = null;
            while (driver != "vfio-pci" && await updates.MoveNextAsync())
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
