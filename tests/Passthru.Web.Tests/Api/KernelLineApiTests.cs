using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Passthru.Web.Tests.Api;

/// <summary>A Debian-like boot setup in a scratch configuration root beside the captured host (update-grub only has to exist for a plan).</summary>
public sealed class DebianBootFactory : ScratchConfigRootFactory
{
    public const string GrubDefault = "GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet pcie_acs_override=downstream\"\nGRUB_CMDLINE_LINUX=\"\"\n";

    public DebianBootFactory()
    {
        Directory.CreateDirectory(Path.Combine(ConfigRoot, "etc/default"));
        Directory.CreateDirectory(Path.Combine(ConfigRoot, "usr/sbin"));
        File.WriteAllText(Path.Combine(ConfigRoot, "etc/default/grub"), GrubDefault);
        File.WriteAllText(Path.Combine(ConfigRoot, "usr/sbin/update-grub"), "");
    }
}

public sealed class KernelLineApiTests(DebianBootFactory factory) : IClassFixture<DebianBootFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Get_SaysTheSetupAndWhatTheNextBootChanges()
    {
        var body = await _client.GetFromJsonAsync<JsonElement>("/api/host/cmdline");

        Assert.Equal("GrubDefault", body.GetProperty("setup").GetProperty("kind").GetString());
        Assert.Equal("/usr/sbin/update-grub", body.GetProperty("setup").GetProperty("tool").GetString());
        Assert.True(body.GetProperty("rebootPending").GetBoolean());
        Assert.Contains("pcie_acs_override=downstream", body.GetProperty("addedAtReboot").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task DryRun_ShowsTheDiffBackupAndChrootedCommand_AndWritesNothing()
    {
        var response = await _client.PostAsJsonAsync("/api/host/cmdline", new { add = new[] { "iommu=pt" }, remove = new[] { "pcie_acs_override" }, dryRun = true });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var plan = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("plan");
        var edit = plan.GetProperty("edits").EnumerateArray().Single();
        Assert.Contains("+GRUB_CMDLINE_LINUX_DEFAULT=\"quiet iommu=pt\"", edit.GetProperty("diff").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("/etc/default/grub.passthru-", edit.GetProperty("backup").GetString(), StringComparison.Ordinal);
        Assert.Equal($"chroot {factory.ConfigRoot} /usr/sbin/update-grub", plan.GetProperty("commands").EnumerateArray().Single().GetString());
        Assert.Equal(16, plan.GetProperty("fingerprint").GetString()!.Length);
        Assert.Equal(DebianBootFactory.GrubDefault, File.ReadAllText(Path.Combine(factory.ConfigRoot, "etc/default/grub")));
    }

    [Fact]
    public async Task Apply_WithAFingerprintOfAnotherPlan_Is409PlanChangedJournaledAndWritesNothing()
    {
        var response = await _client.PostAsJsonAsync("/api/host/cmdline", new { add = new[] { "iommu=pt" }, plan = "0123456789abcdef" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("Plan changed", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Equal(DebianBootFactory.GrubDefault, File.ReadAllText(Path.Combine(factory.ConfigRoot, "etc/default/grub")));
        Assert.Single(Directory.GetFiles(Path.Combine(factory.ConfigRoot, "etc/default")));
        var history = await _client.GetFromJsonAsync<JsonElement>("/api/history?action=ApplyKernelCommandLine&status=Refused");
        Assert.Contains(history.EnumerateArray(), r => r.GetProperty("target").GetString() == "/etc/default/grub");
    }

    [Theory]
    [InlineData("""{"add": ["iommu=pt quiet"]}""")]
    [InlineData("""{"add": ["init=/bin/sh"]}""")]
    [InlineData("""{"remove": ["root"]}""")]
    [InlineData("""{}""")]
    public async Task Apply_ParametersOutsideTheAllowedSet_Are400(string body)
    {
        var response = await _client.PostAsync("/api/host/cmdline", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(DebianBootFactory.GrubDefault, File.ReadAllText(Path.Combine(factory.ConfigRoot, "etc/default/grub")));
    }
}

/// <summary>The captured tree has no boot files: nothing is recognised, so Apply refuses and says why.</summary>
public sealed class KernelLineUnrecognisedApiTests(CapturedHostFactory factory) : IClassFixture<CapturedHostFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Apply_OnAnUnrecognisedSetup_Is409RefusedAndJournaled()
    {
        var response = await _client.PostAsJsonAsync("/api/host/cmdline", new { add = new[] { "intel_iommu=on", "iommu=pt" } });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Refused", problem.GetProperty("title").GetString());
        Assert.Contains("not recognised", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var history = await _client.GetFromJsonAsync<JsonElement>("/api/history?action=ApplyKernelCommandLine");
        var record = history.EnumerateArray().First();
        Assert.Equal("Refused", record.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(record.GetProperty("actor").GetString()));
    }

    [Fact]
    public async Task Get_OnAnUnrecognisedSetup_SaysWhy()
    {
        var setup = (await _client.GetFromJsonAsync<JsonElement>("/api/host/cmdline")).GetProperty("setup");

        Assert.False(setup.GetProperty("recognised").GetBoolean());
        Assert.False(string.IsNullOrEmpty(setup.GetProperty("reason").GetString()));
    }
}
