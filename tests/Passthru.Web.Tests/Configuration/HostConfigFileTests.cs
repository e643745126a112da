using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Passthru.Core.Safety;
using Passthru.TestSupport;
using Passthru.Web.Configuration;

namespace Passthru.Web.Tests.Configuration;

public sealed class HostConfigFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateDirectory(Scratch.NewPath("passthru-config")).FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Add_InTheWebAppsBuilder_OverridesAppSettingsAndYieldsToEnvironmentAndCommandLine()
    {
        // A variable name no other test reads: the process environment is shared by tests running at once.
        var key = $"HostConfigTest{Guid.NewGuid():N}";
        File.WriteAllText(Path.Combine(_directory, "appsettings.json"), $$"""{ "{{key}}": { "A": "app", "B": "app", "C": "app", "D": "app" } }""");
        var file = Write("host.json", $$"""{ "{{key}}": { "B": "file", "C": "file", "D": "file" } }""");
        Environment.SetEnvironmentVariable($"{key}__C", "environment");
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [$"--{key}:D", "command line"], ContentRootPath = _directory });

            HostConfigFile.Add(builder.Configuration, file);

            Assert.Equal("app", builder.Configuration[$"{key}:A"]);
            Assert.Equal("file", builder.Configuration[$"{key}:B"]);
            Assert.Equal("environment", builder.Configuration[$"{key}:C"]);
            Assert.Equal("command line", builder.Configuration[$"{key}:D"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable($"{key}__C", null);
        }
    }

    [Fact]
    public void Add_TheInstalledSettingsFile_PutsTheDatabaseInTheStateDirectoryAndListensOnLoopback()
    {
        // deploy/appsettings.json as install.sh puts it in /etc/passthru: comments and all, it must parse.
        var builder = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryPaths.Root, "src", "Web", "appsettings.json"));

        HostConfigFile.Add(builder, Path.Combine(RepositoryPaths.Root, "deploy", "appsettings.json"));
        var configuration = builder.Build();

        Assert.Equal("/var/lib/passthru/passthru.db", configuration["Passthru:Database"]);
        Assert.Null(ListenAddressPolicy.Refusal(ListenAddressPolicy.ConfiguredUrls(configuration), new Passthru.Web.Auth.AuthOptions()));
        Assert.NotEqual("true", configuration["Passthru:Auth:Enabled"]);
        Assert.Equal("qemu:///system", configuration["Passthru:LibvirtUri"]);
    }

    [Fact]
    public void Add_MissingFile_IsRefusedWithItsNameAndTheVariable()
    {
        var missing = Path.Combine(_directory, "absent.json");

        var refusal = Assert.Throws<StartupRefusedException>(() => HostConfigFile.Add(new ConfigurationBuilder(), missing));

        Assert.Contains(missing, refusal.Message, StringComparison.Ordinal);
        Assert.Contains(HostConfigFile.Variable, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_BrokenJson_IsRefusedAndAddsNothing()
    {
        var builder = new ConfigurationBuilder();

        var refusal = Assert.Throws<StartupRefusedException>(() => HostConfigFile.Add(builder, Write("broken.json", """{ "Passthru": { "Database": """)));

        Assert.Contains("broken.json", refusal.Message, StringComparison.Ordinal);
        Assert.Empty(builder.Sources);
    }

    [Fact]
    public void Add_NoPath_AddsNothing()
    {
        var builder = new ConfigurationBuilder();

        HostConfigFile.Add(builder, null);
        HostConfigFile.Add(builder, "");

        Assert.Empty(builder.Sources);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
