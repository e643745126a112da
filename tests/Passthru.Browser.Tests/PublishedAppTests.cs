using System.Diagnostics;
using System.Net;
using Passthru.TestSupport;

namespace Passthru.Browser.Tests;

/// <summary>A test of the published, self-contained build as users start it: ./test.sh publishes it and sets PASSTHRU_PUBLISHED_APP.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PublishedAppFactAttribute : FactAttribute
{
    public const string Variable = "PASSTHRU_PUBLISHED_APP";

    public PublishedAppFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } app || !File.Exists(app))
        {
            Skip = $"needs the published app: run ./test.sh (it publishes and sets {Variable})";
        }
    }
}

public sealed class PublishedAppTests
{
    /// <summary>The runtime patch a self-contained build carries, as Directory.Build.targets sets it.</summary>
    public static string RuntimePatch { get; } = System.Xml.Linq.XDocument.Load(Path.Combine(RepositoryPaths.Root, "Directory.Build.targets"))
        .Descendants("PassthruRuntimePatch").Single().Value;

    [PublishedAppFact]
    public void PublishedApp_RuntimeConfig_NamesTheDotNet10PatchItCarries()
    {
        var app = Environment.GetEnvironmentVariable(PublishedAppFactAttribute.Variable)!;
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(app + ".runtimeconfig.json"));
        var options = config.RootElement.GetProperty("runtimeOptions");

        Assert.Equal("net10.0", options.GetProperty("tfm").GetString());
        Assert.StartsWith("10.0.", RuntimePatch, StringComparison.Ordinal);
        Assert.Equal(
            [("Microsoft.NETCore.App", RuntimePatch), ("Microsoft.AspNetCore.App", RuntimePatch)],
            options.GetProperty("includedFrameworks").EnumerateArray().Select(f => (f.GetProperty("name").GetString()!, f.GetProperty("version").GetString()!)));
    }

    [PublishedAppFact]
    public async Task PublishedApp_StartedFromAnotherDirectory_KeepsItsSettingsAndAssets()
    {
        // Started from / (as systemd or a shell elsewhere would): appsettings.json and wwwroot must still be found
        // next to the executable, or AllowedHosts falls back to "*" and the pages lose their styles.
        var port = LocalServer.FreePort();
        var database = Scratch.NewPath("passthru-published") + ".db";
        using var app = Process.Start(new ProcessStartInfo(Environment.GetEnvironmentVariable(PublishedAppFactAttribute.Variable)!,
            ["--urls", $"http://127.0.0.1:{port}", "--host-root", CapturedTrees.Path("intel-initial"), "--Passthru:Database", database,
             "--Passthru:LibvirtUri", LibvirtTestHost.UnreachableUri])
        {
            WorkingDirectory = "/",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        app.OutputDataReceived += (_, _) => { };
        app.ErrorDataReceived += (_, _) => { };
        app.BeginOutputReadLine();
        app.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            await LocalServer.WaitUntilServingAsync(new Uri(http.BaseAddress, "api/host"), TimeSpan.FromSeconds(30));

            using var rebound = new HttpRequestMessage(HttpMethod.Get, "/");
            rebound.Headers.Host = "evil.example";
            var foreignHost = await http.SendAsync(rebound);
            var css = await http.GetAsync("app.css");

            Assert.Equal(HttpStatusCode.BadRequest, foreignHost.StatusCode);
            Assert.Equal(HttpStatusCode.OK, css.StatusCode);
            Assert.Contains(".irq-table", await css.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
            Scratch.DeleteDatabase(database);
        }
    }
}
