using System.Diagnostics;
using System.Security.Cryptography;
using Passthru.TestSupport;

namespace Passthru.Browser.Tests;

/// <summary>
/// deploy/install.sh and deploy/uninstall.sh, run for real into a scratch root (<c>--root</c>) with the
/// published app: what lands where, and that uninstall leaves the root exactly as it found it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[Collection(DeploymentCollection.Name)]
public sealed class InstallScriptTests : IDisposable
{
    private readonly string _root = Directory.CreateDirectory(Scratch.NewPath("passthru-root")).FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [PublishedAppFact]
    public async Task InstallThenUninstall_OnADebianLikeRoot_InstallsEveryPartAndLeavesTheRootAsItWas()
    {
        // A host's own files that install must not touch: another PAM service, and common-auth (a Debian-like host).
        Write("etc/pam.d/other", "auth required pam_deny.so\n");
        Write("etc/pam.d/common-auth", "auth required pam_unix.so\n");
        Write("usr/local/bin/someone-elses-tool", "#!/bin/sh\n");
        Write("etc/libvirt/qemu.conf", "# libvirt is installed\n");
        var before = Snapshot();

        await InstallAsync();

        Assert.True(File.Exists(Installed("opt/passthru/Passthru.Web")));
        Assert.True(File.GetUnixFileMode(Installed("opt/passthru/Passthru.Web")).HasFlag(UnixFileMode.UserExecute));
        Assert.True(File.Exists(Installed("opt/passthru/wwwroot/app.css")));
        AssertSameFile("deploy/systemd/passthru.service", "etc/systemd/system/passthru.service");
        AssertSameFile("deploy/appsettings.json", "etc/passthru/appsettings.json");
        AssertSameFile("deploy/pam.d/passthru", "etc/pam.d/passthru");
        AssertSameFile("deploy/cli/passthru", "usr/local/bin/passthru");
        AssertSameFile("deploy/libvirt/qemu.d-passthru", "etc/libvirt/hooks/qemu.d/passthru");
        Assert.True(File.GetUnixFileMode(Installed("etc/libvirt/hooks/qemu.d/passthru")).HasFlag(UnixFileMode.OtherExecute));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Installed("etc/passthru/appsettings.json")));

        await UninstallAsync();

        Assert.Equal(before, Snapshot());
    }

    [PublishedAppFact]
    public async Task InstallThenUninstallPurge_WhereTheHostHasItsOwnHookOfThatName_NeverTouchesIt()
    {
        Write("etc/libvirt/hooks/qemu.d/passthru", "#!/bin/sh\n# this host's own hook\nexit 0\n");
        var before = Snapshot();

        await InstallAsync();
        Assert.Equal(before["etc/libvirt/hooks/qemu.d/passthru"], Snapshot()["etc/libvirt/hooks/qemu.d/passthru"]);
        await InstallAsync();
        await UninstallAsync("--purge");

        Assert.Equal(before, Snapshot());
    }

    [PublishedAppFact]
    public async Task UninstallPurge_RemovesEveryClaimFile_AndNoRuleOfTheHosts()
    {
        // A Debian-like host: its own rule, and the folders systemd and kmod ship.
        Directory.CreateDirectory(Installed("etc/modprobe.d"));
        Directory.CreateDirectory(Installed("etc/modules-load.d"));
        Write("etc/udev/rules.d/70-hosts-own.rules", "# this host's own rule\n");
        var before = Snapshot();
        await InstallAsync();
        var database = Scratch.NewPath("passthru-claims") + ".db";
        try
        {
            // The published app claims a captured host's shared group, writing under the installed root as on a real host.
            await ProcessRunner.RunAsync(Environment.GetEnvironmentVariable(PublishedAppFactAttribute.Variable)!,
                ["boot", "claim", "--group", "12", "--force", "--host-root", CapturedTrees.Path("intel-initial"),
                 "--Passthru:Boot:ConfigRoot", _root, "--Passthru:Database", database], TimeSpan.FromMinutes(2));
        }
        finally
        {
            Scratch.DeleteDatabase(database);
        }

        Assert.True(File.Exists(Installed("etc/udev/rules.d/61-passthru-vfio-0000:04:00.6.rules")));
        Assert.True(File.Exists(Installed("etc/modules-load.d/passthru-vfio.conf")));

        await UninstallAsync("--purge");

        Assert.Equal(before, Snapshot());
    }

    [PublishedAppFact]
    public async Task Install_WithoutLibvirt_InstallsNoHook()
    {
        await InstallAsync();

        Assert.False(Directory.Exists(Installed("etc/libvirt")));
        Assert.True(File.Exists(Installed("usr/local/bin/passthru")));
    }

    [PublishedAppFact]
    public async Task Install_WithoutCommonAuth_InstallsTheSystemAuthPamService()
    {
        Write("etc/pam.d/system-auth", "auth required pam_unix.so\n");

        await InstallAsync();

        AssertSameFile("deploy/pam.d/passthru.system-auth", "etc/pam.d/passthru");
    }

    [PublishedAppFact]
    public Task Uninstall_AfterTheSettingsWereEditedAndHistoryWritten_KeepsBoth() => EditThenUninstallAsync(purge: false);

    [PublishedAppFact]
    public Task UninstallPurge_AfterTheSettingsWereEditedAndHistoryWritten_LeavesTheRootAsItWas() => EditThenUninstallAsync(purge: true);

    [PublishedAppFact]
    public async Task InstalledUnit_PassesSystemdAnalyzeVerify()
    {
        await InstallAsync();

        // The unit as installed, its program path pointed into the scratch root so verify finds the executable there.
        var unit = Path.Combine(Directory.CreateDirectory(Path.Combine(_root, "verify")).FullName, "passthru.service");
        File.WriteAllText(unit, File.ReadAllText(Installed("etc/systemd/system/passthru.service"))
            .Replace("=/opt/passthru/", $"={_root}/opt/passthru/", StringComparison.Ordinal));
        var (exitCode, output) = await RunAsync("systemd-analyze", "verify", unit);

        // verify exits 0 even for unknown keys and bad values; it only prints them.
        Assert.Equal(0, exitCode);
        Assert.Equal("", output.Trim());
    }

    [PublishedAppFact]
    public async Task FrameworkDependentBuild_RunsOnThisHostsRuntime_AndInstallsWithoutOne()
    {
        var build = Scratch.NewPath("passthru-framework-dependent");
        try
        {
            await ProcessRunner.RunAsync("dotnet", ["publish", Path.Combine(RepositoryPaths.Root, "src", "Web"), "-c", "Release", "-p:SelfContained=false",
                "-o", build, "-nologo", "-clp:ErrorsOnly"], TimeSpan.FromMinutes(5));

            // It names the frameworks it needs instead of carrying them, and runs on this machine's ASP.NET Core 10.
            var config = File.ReadAllText(Path.Combine(build, "Passthru.Web.runtimeconfig.json"));
            Assert.Contains("\"frameworks\"", config, StringComparison.Ordinal);
            Assert.Contains("\"Microsoft.AspNetCore.App\"", config, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(build, "libcoreclr.so")));
            var scan = await ProcessRunner.RunAsync(Path.Combine(build, "Passthru.Web"), ["scan", "--host-root", CapturedTrees.Path("intel-initial")]);
            Assert.Contains("IOMMU Group 12: 04:00.6", scan, StringComparison.Ordinal);

            var log = await RunAsync(Path.Combine(RepositoryPaths.Root, "deploy", "install.sh"), "--root", _root, "--published", build);

            Assert.Equal(0, log.ExitCode);
            Assert.Contains("framework-dependent build", log.Output, StringComparison.Ordinal);
            Assert.True(File.Exists(Installed("opt/passthru/Passthru.Web")));
            Assert.False(File.Exists(Installed("opt/passthru/libcoreclr.so")));
        }
        finally
        {
            Directory.Delete(build, recursive: true);
        }
    }

    [PublishedAppFact]
    public async Task SelfContainedBuild_SaysWhichRuntimeItCarries()
    {
        var (exitCode, output) = await RunAsync(Path.Combine(RepositoryPaths.Root, "deploy", "install.sh"),
            "--root", _root, "--published", Path.GetDirectoryName(Environment.GetEnvironmentVariable(PublishedAppFactAttribute.Variable))!);

        Assert.Equal(0, exitCode);
        Assert.Contains($"self-contained build: it carries the .NET {PublishedAppTests.RuntimePatch} runtime", output, StringComparison.Ordinal);
    }

    private async Task EditThenUninstallAsync(bool purge)
    {
        Write("etc/pam.d/other", "auth required pam_deny.so\n");
        Directory.CreateDirectory(Installed("var/lib")); // a host has it; systemd makes var/lib/passthru in it
        var before = Snapshot();
        await InstallAsync();
        File.AppendAllText(Installed("etc/passthru/appsettings.json"), "// this host's own note\n");
        Write("var/lib/passthru/passthru.db", "history"); // what the service's StateDirectory would hold

        // An upgrade in between: the edited settings survive it.
        await InstallAsync();
        Assert.EndsWith("// this host's own note\n", File.ReadAllText(Installed("etc/passthru/appsettings.json")), StringComparison.Ordinal);
        await UninstallAsync(purge ? ["--purge"] : []);

        var after = Snapshot();
        if (purge)
        {
            Assert.Equal(before, after);
        }
        else
        {
            Assert.Equal(["etc/passthru", "etc/passthru/appsettings.json", "var/lib/passthru", "var/lib/passthru/passthru.db"],
                after.Keys.Except(before.Keys).Order(StringComparer.Ordinal));
            Assert.DoesNotContain(before, entry => !after.TryGetValue(entry.Key, out var now) || now != entry.Value);
        }
    }

    private Task InstallAsync()
        => ProcessRunner.RunAsync(Path.Combine(RepositoryPaths.Root, "deploy", "install.sh"),
            ["--root", _root, "--published", Path.GetDirectoryName(Environment.GetEnvironmentVariable(PublishedAppFactAttribute.Variable))!],
            TimeSpan.FromMinutes(2));

    private Task UninstallAsync(params string[] arguments)
        => ProcessRunner.RunAsync(Path.Combine(RepositoryPaths.Root, "deploy", "uninstall.sh"), ["--root", _root, .. arguments], TimeSpan.FromMinutes(1));

    private string Installed(string relative) => Path.Combine(_root, relative);

    private void Write(string relative, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Installed(relative))!);
        File.WriteAllText(Installed(relative), text);
    }

    private void AssertSameFile(string repositoryFile, string installed)
        => Assert.Equal(File.ReadAllText(Path.Combine(RepositoryPaths.Root, repositoryFile)), File.ReadAllText(Installed(installed)));

    /// <summary>Every path under the root with its kind, mode and content hash.</summary>
    private SortedDictionary<string, string> Snapshot()
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFileSystemEntries(_root, "*", SearchOption.AllDirectories))
        {
            var mode = File.GetUnixFileMode(path);
            entries[Path.GetRelativePath(_root, path)] = Directory.Exists(path)
                ? $"dir {mode}"
                : $"file {mode} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)))}";
        }

        return entries;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
