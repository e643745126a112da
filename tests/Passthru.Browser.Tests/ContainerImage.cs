using Passthru.TestSupport;

namespace Passthru.Browser.Tests;

/// <summary>
/// The container image as docker/build.sh builds it, with podman, from the published app that
/// ./test.sh made (PASSTHRU_PUBLISHED_APP), on a Debian base imported locally by
/// tests/container/import-base-image.sh (no container registry is reachable here). Built once per
/// test class; removed afterwards with every container and volume the tests started.
/// </summary>
public sealed class ContainerImage : IAsyncLifetime
{
    /// <summary>Where the app keeps its database inside the image (Passthru__Database in docker/Dockerfile).</summary>
    public const string DataDirectory = "/var/lib/passthru";

    /// <summary>
    /// The image's package-install layer, kept tagged between runs so the next build reuses it rather
    /// than downloading the packages again (about 15 s). Removing the test image then stops at it.
    /// </summary>
    private const string PackageLayerCache = "localhost/passthru-test-cache:packages";

    private readonly List<string> _containers = [];
    private readonly List<string> _volumes = [];

    public string Tag { get; } = $"localhost/passthru-test:{Guid.NewGuid():N}";

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(PublishedAppFactAttribute.Variable) is not { Length: > 0 } app || !File.Exists(app))
        {
            return; // the tests skip, with the reason
        }

        await ProcessRunner.RunAsync(Path.Combine(RepositoryPaths.Root, "tests", "container", "import-base-image.sh"), [], TimeSpan.FromMinutes(5));
        var output = await ProcessRunner.RunAsync("env",
            ["PASSTHRU_CONTAINER_ENGINE=podman", Path.Combine(RepositoryPaths.Root, "docker", "build.sh"),
             "--published", Path.GetDirectoryName(app)!, "--tag", Tag, "--", .. Podman.RuntimeFlags],
            TimeSpan.FromMinutes(5));
        if (PackageLayer(output) is { } layer)
        {
            await KeepCachedAsync(layer);
        }
    }

    /// <summary>Tags the package layer as the cache; one that a changed Dockerfile made stale is removed.</summary>
    private static async Task KeepCachedAsync(string layer)
    {
        var previous = await Podman.ExitCodeAsync("image", "exists", PackageLayerCache) == 0
            ? (await Podman.RunAsync("image", "inspect", "--format", "{{.Id}}", PackageLayerCache)).Trim()
            : null;
        await Podman.RunAsync("tag", layer, PackageLayerCache);
        if (previous is not null && !previous.StartsWith(layer, StringComparison.Ordinal))
        {
            await Podman.ExitCodeAsync("rmi", previous); // refused while another image still builds on it: then it stays
        }
    }

    /// <summary>A new named volume, removed when the class's tests are done.</summary>
    public string NewVolume()
    {
        var name = $"passthru-test-{Guid.NewGuid():N}";
        _volumes.Add(name);
        return name;
    }

    /// <summary>
    /// Starts the image as docker/compose.yaml does, minus the privileges: host networking, a host root
    /// mounted read-only at /host, the database volume. Here the host root is a captured tree, never this
    /// machine's /sys, and the container is not privileged, so nothing it does can reach a real device.
    /// </summary>
    public async Task<Uri> StartAsync(string hostRoot, string volume)
    {
        var name = $"passthru-test-{Guid.NewGuid():N}";
        var port = LocalServer.FreePort();
        _containers.Add(name);
        await Podman.RunAsync(["run", "--detach", "--name", name, "--network", "host", .. Podman.UlimitFlags,
            "--volume", $"{hostRoot}:/host:ro", "--volume", $"{volume}:{DataDirectory}",
            "--env", $"ASPNETCORE_URLS=http://127.0.0.1:{port}", "--env", $"Passthru__LibvirtUri={LibvirtTestHost.UnreachableUri}",
            Tag]);
        var address = new Uri($"http://127.0.0.1:{port}/");
        try
        {
            await LocalServer.WaitUntilServingAsync(new Uri(address, "api/host"), TimeSpan.FromSeconds(30));
        }
        catch (HttpRequestException ex)
        {
            throw new InvalidOperationException($"The container did not serve on {address}. Its log:\n{await Podman.LogsAsync(name)}", ex);
        }

        return address;
    }

    /// <summary>The name of the container started last (for exec, health checks and removal).</summary>
    public string LastContainer => _containers[^1];

    public async Task RemoveContainerAsync(string name)
    {
        await Podman.RunAsync("rm", "--force", "--time", "5", name);
        _containers.Remove(name);
    }

    public async Task DisposeAsync()
    {
        foreach (var container in _containers.ToArray())
        {
            await RemoveContainerAsync(container);
        }

        foreach (var volume in _volumes)
        {
            await Podman.RunAsync("volume", "rm", "--force", volume);
        }

        if ((await Podman.ExitCodeAsync("image", "exists", Tag)) == 0)
        {
            await Podman.RunAsync("rmi", "--force", Tag);
        }
    }

    /// <summary>
    /// The image id that the build's package step produced or reused: podman ends each step's output
    /// with "--> ID" (or "--> Using cache ID"), after the command's own lines.
    /// </summary>
    internal static string? PackageLayer(string buildOutput)
        => buildOutput.Split('\n', StringSplitOptions.TrimEntries)
            .SkipWhile(l => !(l.StartsWith("STEP ", StringComparison.Ordinal) && l.Contains(": RUN apt-get", StringComparison.Ordinal)))
            .FirstOrDefault(l => l.StartsWith("--> ", StringComparison.Ordinal))?.Split(' ')[^1];
}
