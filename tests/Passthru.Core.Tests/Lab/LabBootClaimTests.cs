using System.Text.Json;

namespace Passthru.Core.Tests.Lab;

/// <summary>
/// Boot claims on a real kernel across reboots, with Debian's real systemd-udevd applying the rules Passthru wrote
/// (see <see cref="LabBootClaimRun"/>): the claimed group is on vfio-pci before any guest starts, and another card at
/// the claimed address is left to its own driver and reported.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class LabBootClaimTests(LabBootClaimRun lab) : IClassFixture<LabBootClaimRun>
{
    [LabBindingFact]
    public void Lab_RanAllThreeBoots() => Assert.True(lab.BootsDone.Count == 3, $"boots done: {string.Join(", ", lab.BootsDone)}\n{lab.RunLog}");

    [LabBindingFact]
    public void Claim_WritesARulePerGroupMemberUnderTheConfigRoot()
    {
        Assert.True(lab.ExitCode("claim", "claim") == 0, lab.Read("claim.claim.err") + lab.Read("claim.claim.out"));
        var rule = lab.Read($"config/etc/udev/rules.d/61-passthru-vfio-{LabBootClaimRun.SoundCard}.rules");
        Assert.Contains(
            $"KERNEL==\"{LabBootClaimRun.SoundCard}\", ATTR{{vendor}}==\"0x8086\", ATTR{{device}}==\"0x293e\", ATTR{{subsystem_vendor}}==\"0x1af4\", "
            + "ATTR{subsystem_device}==\"0x1100\", ATTR{driver_override}=\"vfio-pci\"",
            rule, StringComparison.Ordinal);
        Assert.All(LabBootClaimRun.GroupMembers, address => Assert.True(
            File.Exists(Path.Combine(lab.Output, $"config/etc/udev/rules.d/61-passthru-vfio-{address}.rules")), $"no rule for {address}"));
        Assert.Contains("vfio-pci", lab.Read("config/etc/modules-load.d/passthru-vfio.conf"), StringComparison.Ordinal);
    }

    [LabBindingFact]
    public void Reboot_UdevPutsTheWholeGroupOnVfioBeforeAnyGuest()
    {
        // Once udev settled, before the lab loaded any module of its own: the rules did it, not the lab.
        var settled = lab.Devices("claimed", "udev-settled");
        Assert.All(LabBootClaimRun.GroupMembers, address => Assert.Equal(("vfio-pci", "vfio-pci"), settled[address]));
        // Udev loaded the other cards' drivers as usual: the rules touched only their own devices.
        Assert.Equal(("snd_hda_intel", "(null)"), settled["0000:00:1b.0"]);

        var state = lab.Devices("claimed", "state");
        Assert.All(LabBootClaimRun.GroupMembers, address => Assert.Equal("vfio-pci", state[address].Driver));
        Assert.Contains(LabBootClaimRun.Group.ToString(System.Globalization.CultureInfo.InvariantCulture),
            lab.Read("claimed.vfio").Split('\n'));
    }

    [LabBindingFact]
    public void Reboot_BootListSaysEveryClaimIsApplied()
    {
        Assert.Equal(0, lab.ExitCode("claimed", "list"));
        var claims = Claims(lab.Json("claimed", "list"));
        Assert.Equal(LabBootClaimRun.GroupMembers, claims.Keys.Order());
        Assert.All(claims.Values, c =>
        {
            Assert.Equal("Applied", c.GetProperty("state").GetString());
            Assert.Equal("vfio-pci", c.GetProperty("driver").GetString());
            Assert.Equal(LabBootClaimRun.Group, c.GetProperty("group").GetInt32());
            Assert.Equal(LabBootClaimRun.Group, c.GetProperty("savedGroup").GetInt32());
        });
    }

    [LabBindingFact]
    public void OtherCardAtTheAddress_StaysOnItsOwnDriver()
    {
        var settled = lab.Devices("other-card", "udev-settled");
        Assert.Equal(("snd_hda_intel", "(null)"), settled[LabBootClaimRun.SoundCard]);
        var state = lab.Devices("other-card", "state");
        Assert.Equal(("snd_hda_intel", "(null)"), state[LabBootClaimRun.SoundCard]);
        // Its group mates are the same cards as before: still claimed.
        Assert.Equal(("vfio-pci", "vfio-pci"), state["0000:04:00.0"]);
        Assert.Equal(("vfio-pci", "vfio-pci"), state["0000:04:00.1"]);
    }

    [LabBindingFact]
    public void OtherCardAtTheAddress_BootListSaysSoAndKeepsTheRestApplied()
    {
        Assert.Equal(1, lab.ExitCode("other-card", "list")); // a claim not as intended: a check failed, as `check` says it
        var claims = Claims(lab.Json("other-card", "list"));
        var sound = claims[LabBootClaimRun.SoundCard];
        Assert.Equal("OtherCard", sound.GetProperty("state").GetString());
        var message = sound.GetProperty("message").GetString()!;
        Assert.StartsWith($"claim not applied: another card at {LabBootClaimRun.SoundCard} (", message, StringComparison.Ordinal);
        Assert.Contains("8086:2668", message, StringComparison.Ordinal); // qemu's intel-hda, the card that is there now
        Assert.Equal("snd_hda_intel", sound.GetProperty("driver").GetString());
        Assert.All(["0000:04:00.0", "0000:04:00.1"], address => Assert.Equal("Applied", claims[address].GetProperty("state").GetString()));
    }

    [LabBindingFact]
    public void History_HoldsOneBootCheckPerBoot()
    {
        // The second boot's `boot list` wrote its check; in the third, `boot list` wrote one and `history`, a second
        // start in the same boot, none.
        Assert.Equal(0, lab.ExitCode("other-card", "history"));
        var checks = lab.Json("other-card", "history").EnumerateArray()
            .Where(r => r.GetProperty("action").GetString() == "BootCheck")
            .Reverse()
            .Select(r => (Status: r.GetProperty("status").GetString(), Message: r.GetProperty("message").GetString() ?? ""))
            .ToArray();
        Assert.Equal(2, checks.Length);
        Assert.Equal("Succeeded", checks[0].Status);
        Assert.Equal("Failed", checks[1].Status);
        Assert.Contains($"{LabBootClaimRun.SoundCard}: claim not applied: another card at {LabBootClaimRun.SoundCard}", checks[1].Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, JsonElement> Claims(JsonElement list)
        => list.EnumerateArray().ToDictionary(c => c.GetProperty("address").GetString()!, c => c);
}
