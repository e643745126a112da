using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Passthru.TestSupport;

namespace Passthru.Browser.Tests;

/// <summary>
/// The container image (docker/Dockerfile, built by docker/build.sh) run with podman: it serves the
/// dashboard of the host root it is given, and keeps its history on its volume.
/// </summary>
[Collection(DeploymentCollection.Name)]
public sealed class ContainerImageTests(ContainerImage image) : IClassFixture<ContainerImage>
{
    private const string Tree = "intel-initial";

    [PublishedAppFact]
    public async Task Image_GivenACapturedHostRoot_ServesThatHostsDashboardAndIsHealthy()
    {
        var tree = CapturedTrees.Path(Tree);
        var expected = TreeScan.Scan(tree);
        var address = await image.StartAsync(tree, image.NewVolume());
        using var http = new HttpClient { BaseAddress = address };

        var page = await http.GetAsync("/");
        var host = await http.GetFromJsonAsync<JsonElement>("/api/host");
        var groups = await http.GetFromJsonAsync<JsonElement[]>("/api/groups");

        // The tree's values, not this machine's (which has no IOMMU groups and another kernel command line).
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($"{expected.Groups.Count} IOMMU groups", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(Path.Combine(tree, "proc", "cmdline")).Trim(), host.GetProperty("kernelCommandLine").GetString());
        Assert.Equal(expected.Groups.Select(g => g.Number).Order(), groups!.Select(g => g.GetProperty("number").GetInt32()).Order());

        // The image's HEALTHCHECK, run as the engine runs it; and the same script against a port nothing serves.
        Assert.Equal(0, await Podman.ExitCodeAsync("healthcheck", "run", image.LastContainer));
        Assert.NotEqual(0, await Podman.ExitCodeAsync("exec", "--env", $"ASPNETCORE_URLS=http://127.0.0.1:{LocalServer.FreePort()}",
            image.LastContainer, "/usr/local/bin/passthru-healthcheck"));
    }

    [PublishedAppFact]
    public async Task Image_NextContainerOnTheSameVolume_HasTheHistory()
    {
        var tree = CapturedTrees.Path(Tree);
        var volume = image.NewVolume();
        var first = await image.StartAsync(tree, volume);
        using (var http = new HttpClient { BaseAddress = first })
        {
            // The tree's disk holds a mounted filesystem (its proc/mounts): refused, and journaled as refused.
            var refused = await http.PostAsJsonAsync("/api/devices/0000:00:05.0/detach", new { });
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        }

        // Not a restart (that keeps the container's own files): a new container, with only the volume in common.
        await image.RemoveContainerAsync(image.LastContainer);
        var second = await image.StartAsync(tree, volume);
        using var again = new HttpClient { BaseAddress = second };
        var history = await again.GetFromJsonAsync<JsonElement[]>("/api/history?device=0000:00:05.0");

        var record = Assert.Single(history!);
        Assert.Equal("Refused", record.GetProperty("status").GetString());
        Assert.Equal("Detach", record.GetProperty("action").GetString());
    }
}
