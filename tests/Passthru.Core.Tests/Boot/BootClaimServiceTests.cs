using Passthru.Core.Boot;
using Passthru.Core.History;
using Passthru.Core.Pci;

namespace Passthru.Core.Tests.Boot;

public sealed class BootClaimServiceTests : BootClaimFixture
{
    private static readonly PciAddress SoundCard = Address("0000:04:00.6");

    private static PciAddress Address(string text) => PciAddress.TryParse(text, out var address) ? address : throw new ArgumentException(text);

    private static BootClaimRequest ClaimGroup(bool dryRun = false, bool force = true, string? plan = null)
        => new(OperationAction.ClaimAtBoot, null, SharedGroup, Localhost, dryRun, force, SeenPlan: plan);

    private static BootClaimRequest Release(PciAddress address, bool dryRun = false)
        => new(OperationAction.ReleaseAtBoot, address, null, Localhost, dryRun);

    [Fact]
    public async Task DryRun_ShowsEveryFileAndWritesNothing()
    {
        var result = await CreateClaims().RunAsync(ClaimGroup(dryRun: true));

        Assert.True(result.IsDryRun);
        Assert.Equal(["0000:04:00.0", "0000:04:00.1", "0000:04:00.6"], result.Plan.Claims.Select(c => c.Address.ToString()));
        Assert.Contains(result.Plan.Changes, c => c.Path == "etc/udev/rules.d/61-passthru-vfio-0000:04:00.6.rules" && c.Before is null && c.After!.Contains("ATTR{device}==\"0x293e\""));
        Assert.Contains(result.Plan.Changes, c => c.Path == BootFileSet.ModulesLoad);
        Assert.Empty(WrittenFiles());
    }

    [Fact]
    public async Task Claim_RefusedLikeADetach_UntilForced()
    {
        // 04:00.0 is the boot display with the host's text console on it: a detach is refused for it, so is a claim.
        var claims = CreateClaims();
        var refused = await claims.RunAsync(ClaimGroup(force: false));

        Assert.Equal(OperationStatus.Refused, refused.Status);
        Assert.Contains("fbcon", refused.Message);
        Assert.Empty(WrittenFiles());

        var forced = await claims.RunAsync(ClaimGroup(force: true));
        Assert.Equal(OperationStatus.Succeeded, forced.Status);
    }

    [Fact]
    public async Task Claim_WritesRulesKeyedByTheSysfsIdsAndARecordOfThem()
    {
        var result = await CreateClaims().RunAsync(ClaimGroup());

        Assert.Equal(OperationStatus.Succeeded, result.Status);
        Assert.Equal(
        [
            "etc/modprobe.d/passthru-vfio.conf",
            "etc/modules-load.d/passthru-vfio.conf",
            "etc/passthru/boot-claims.json",
            "etc/udev/rules.d/61-passthru-vfio-0000:04:00.0.rules",
            "etc/udev/rules.d/61-passthru-vfio-0000:04:00.1.rules",
            "etc/udev/rules.d/61-passthru-vfio-0000:04:00.6.rules",
        ], WrittenFiles());
        // The rule matches what the kernel wrote in the captured tree, value for value: udev compares the same text.
        var rule = File.ReadAllText(ConfigPath("etc/udev/rules.d/61-passthru-vfio-0000:04:00.6.rules"));
        var device = Path.Combine(Tree, "sys/bus/pci/devices/0000:04:00.6");
        foreach (var attribute in new[] { "vendor", "device", "subsystem_vendor", "subsystem_device" })
        {
            Assert.Contains($"ATTR{{{attribute}}}==\"{File.ReadAllText(Path.Combine(device, attribute)).Trim()}\"", rule);
        }

        Assert.Contains("KERNEL==\"0000:04:00.6\"", rule);
        Assert.Contains("ATTR{driver_override}=\"vfio-pci\"", rule);
        // vfio-pci before the host drivers, named by their modules (bochs-drm's is bochs, xhci_hcd's is xhci_pci).
        Assert.Equal("softdep bochs pre: vfio-pci\nsoftdep snd_hda_intel pre: vfio-pci\nsoftdep xhci_pci pre: vfio-pci\n",
            string.Concat(File.ReadAllLines(ConfigPath(BootFileSet.Modprobe)).Where(l => !l.StartsWith('#')).Select(l => l + "\n")));
    }

    [Fact]
    public async Task Claim_Journaled_WithTheCardsItKeyedOn()
    {
        var (_, journal) = CreateBinding();
        var result = await CreateClaims().RunAsync(ClaimGroup());

        var record = await journal.FindAsync(result.OperationId!.Value);
        Assert.Equal(OperationAction.ClaimAtBoot, record!.Action);
        Assert.Equal(OperationStatus.Succeeded, record.Status);
        Assert.Contains(record.Devices, d => d.Address == SoundCard && d.VendorId == "8086" && d.DeviceId == "293e" && d.Group == SharedGroup);
        Assert.True(record.Forced);
    }

    [Fact]
    public async Task Run_WithAnOlderPlan_WritesNothing()
    {
        var claims = CreateClaims();
        var seen = (await claims.RunAsync(ClaimGroup(dryRun: true))).Plan.Fingerprint;
        Directory.CreateDirectory(ConfigPath("etc/modprobe.d"));
        File.WriteAllText(ConfigPath(BootFileSet.Modprobe), "written meanwhile\n");

        var result = await claims.RunAsync(ClaimGroup(plan: seen));

        Assert.True(result.PlanChanged);
        Assert.Equal([BootFileSet.Modprobe], WrittenFiles());
    }

    [Fact]
    public async Task Inspect_AfterTheClaim_NotAppliedUntilTheNextBoot()
    {
        var claims = CreateClaims();
        await claims.RunAsync(ClaimGroup());

        var statuses = claims.Inspect(Scanner.Scan());

        Assert.All(statuses, s => Assert.Equal(ClaimState.NotApplied, s.State));
        Assert.Contains("is on snd_hda_intel, not vfio-pci", statuses.Single(s => s.Address == SoundCard).Message);
    }

    [Fact]
    public async Task Inspect_ClaimedDuringThisBoot_IsPendingNotFailed()
    {
        Directory.CreateDirectory(ConfigPath("proc"));
        File.WriteAllText(ConfigPath("proc/stat"), $"cpu  1 2 3 4\nbtime {DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds()}\nprocesses 1\n");
        var claims = CreateClaims();
        await claims.RunAsync(ClaimGroup());

        var statuses = claims.Inspect(Scanner.Scan());

        Assert.All(statuses, s => Assert.Equal(ClaimState.Pending, s.State));
        var check = BootClaimCheck.Of(statuses);
        Assert.Equal(Passthru.Core.Checks.CheckStatus.Warn, check.Status);
        Assert.Contains("claimed during this boot", check.Reason);
    }

    [Fact]
    public async Task Inspect_AnotherCardAtTheAddress_SaysSoAndNamesIt()
    {
        var claims = CreateClaims();
        await claims.RunAsync(ClaimGroup());
        PutCardAt("0000:04:00.6", "0x8086", "0x2668");

        var status = claims.Inspect(FreshScan()).Single(s => s.Address == SoundCard);

        Assert.Equal(ClaimState.OtherCard, status.State);
        Assert.StartsWith("claim not applied: another card at 0000:04:00.6 (", status.Message);
        Assert.Contains("8086:2668", status.Message);
        Assert.Contains("claimed: ", status.Message);
        Assert.NotNull(status.Fix);
    }

    [Fact]
    public async Task Inspect_RuleEditedOrRemovedByHand_IsReported()
    {
        var claims = CreateClaims();
        await claims.RunAsync(ClaimGroup());
        File.AppendAllText(ConfigPath("etc/udev/rules.d/61-passthru-vfio-0000:04:00.1.rules"), "# mine\n");
        File.Delete(ConfigPath("etc/udev/rules.d/61-passthru-vfio-0000:04:00.0.rules"));

        var statuses = claims.Inspect(Scanner.Scan()).ToDictionary(s => s.Address.ToString());

        Assert.Equal(ClaimState.FileMissing, statuses["0000:04:00.0"].State);
        Assert.Equal(ClaimState.FileEdited, statuses["0000:04:00.1"].State);
        Assert.Equal(ClaimState.NotApplied, statuses["0000:04:00.6"].State);
    }

    [Fact]
    public async Task Release_RemovesOnlyThatClaim_AndTheLastRemovesEveryFile()
    {
        var claims = CreateClaims();
        await claims.RunAsync(ClaimGroup());

        var first = await claims.RunAsync(Release(SoundCard));
        Assert.Equal(OperationStatus.Succeeded, first.Status);
        Assert.DoesNotContain("etc/udev/rules.d/61-passthru-vfio-0000:04:00.6.rules", WrittenFiles());
        Assert.DoesNotContain("snd_hda_intel", File.ReadAllText(ConfigPath(BootFileSet.Modprobe)));
        Assert.Equal(["0000:04:00.0", "0000:04:00.1"], claims.ReadManifest().Claims.Select(c => c.Address.ToString()));

        await claims.RunAsync(Release(Address("0000:04:00.0")));
        await claims.RunAsync(Release(Address("0000:04:00.1")));
        Assert.Empty(WrittenFiles());
    }

    [Fact]
    public async Task Release_OfAnAddressNotClaimed_IsAClearError()
    {
        var error = await Assert.ThrowsAsync<Passthru.Core.Changes.UnknownTargetException>(() => CreateClaims().RunAsync(Release(SoundCard)));
        Assert.Contains("0000:04:00.6 is not claimed at boot", error.Message);
    }

    [Fact]
    public async Task AFileNotWrittenByPassthru_IsNeverOverwritten()
    {
        Directory.CreateDirectory(ConfigPath("etc/modules-load.d"));
        File.WriteAllText(ConfigPath(BootFileSet.ModulesLoad), "someone else's\n");

        var result = await CreateClaims().RunAsync(ClaimGroup());

        Assert.Equal(OperationStatus.Refused, result.Status);
        Assert.Contains("was not written by Passthru", result.Message);
        Assert.Equal("someone else's\n", File.ReadAllText(ConfigPath(BootFileSet.ModulesLoad)));
        Assert.Equal([BootFileSet.ModulesLoad], WrittenFiles());
    }

    [Fact]
    public async Task ADamagedRecord_StopsEveryChange_WithWhatToDo()
    {
        Directory.CreateDirectory(ConfigPath("etc/passthru"));
        File.WriteAllText(ConfigPath(ClaimManifest.Path), "{ not json");

        var error = await Assert.ThrowsAsync<ClaimManifestException>(() => CreateClaims().RunAsync(ClaimGroup()));

        Assert.Contains("/etc/passthru/boot-claims.json is not valid JSON", error.Message);
        Assert.Equal("{ not json", File.ReadAllText(ConfigPath(ClaimManifest.Path)));
    }

    [Fact]
    public async Task ARulesDirectoryLinkedOutOfTheRoot_IsNotWrittenThrough()
    {
        var elsewhere = Directory.CreateDirectory(Passthru.TestSupport.Scratch.NewPath("passthru-elsewhere")).FullName;
        try
        {
            Directory.CreateDirectory(ConfigPath("etc/udev"));
            Directory.CreateSymbolicLink(ConfigPath("etc/udev/rules.d"), elsewhere);

            var result = await CreateClaims().RunAsync(ClaimGroup());

            Assert.Equal(OperationStatus.Failed, result.Status);
            Assert.Contains("leads outside", result.Message);
            Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public async Task WithInitramfsTools_TheHookGoesIn_AndTheRebuildIsLeftToTheHostOffItsRoot()
    {
        Directory.CreateDirectory(ConfigPath("usr/sbin"));
        File.WriteAllText(ConfigPath("usr/sbin/update-initramfs"), "#!/bin/sh\nexit 1\n");

        var result = await CreateClaims().RunAsync(ClaimGroup());

        Assert.Equal(OperationStatus.Succeeded, result.Status);
        Assert.False(result.Plan.WillRegenerate);
        Assert.Contains(result.Plan.Notes, n => n.Contains("update-initramfs -u -k all", StringComparison.Ordinal));
        var hook = ConfigPath(InitramfsTool.InitramfsTools.DropIn);
        Assert.True(OperatingSystem.IsLinux() && File.GetUnixFileMode(hook).HasFlag(UnixFileMode.UserExecute));
        Assert.Contains("force_load vfio-pci", File.ReadAllText(hook));
    }
}
