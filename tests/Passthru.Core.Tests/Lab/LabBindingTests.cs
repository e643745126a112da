namespace Passthru.Core.Tests.Lab;

/// <summary>Detach and reattach on a real kernel, asserted on the kernel's own state (see <see cref="LabBindingRun"/>).</summary>
[Collection(LabCollection.Name)]
public sealed class LabBindingTests(LabBindingRun lab) : IClassFixture<LabBindingRun>
{
    [LabBindingFact]
    public void Lab_RanToTheEnd() => Assert.True(lab.Succeeded, lab.RunLog);

    [LabBindingFact]
    public void DetachSolo_BindsVfioAndCreatesTheGroupNode()
    {
        Assert.Equal(0, lab.ExitCode("01-detach-solo"));
        Assert.Equal("Succeeded", lab.Json("01-detach-solo").GetProperty("status").GetString());
        Assert.Equal("vfio-pci", lab.Drivers("01-detach-solo")["0000:00:1b.0"]);
        Assert.Contains("8", lab.VfioNodes("01-detach-solo"));
    }

    [LabBindingFact]
    public void ReattachSolo_GivesBackTheOriginalDriverAndRemovesTheNode()
    {
        Assert.Equal(0, lab.ExitCode("02-reattach-solo"));
        Assert.Equal("snd_hda_intel", lab.Drivers("02-reattach-solo")["0000:00:1b.0"]);
        Assert.DoesNotContain("8", lab.VfioNodes("02-reattach-solo"));
    }

    [LabBindingFact]
    public void DetachOneFunctionOfSharedGroup_BindsButTheGroupIsNotViable()
    {
        Assert.Equal(0, lab.ExitCode("03-detach-one-of-group"));
        Assert.Equal("vfio-pci", lab.Drivers("03-detach-one-of-group")["0000:04:00.6"]);
        Assert.Equal("bochs-drm", lab.Drivers("03-detach-one-of-group")["0000:04:00.0"]);
        Assert.Equal("viable=0", lab.Viability("03-detach-one-of-group"));
        Assert.Contains("IOMMU group 12 is not viable yet: 0000:04:00.0 (bochs-drm), 0000:04:00.1 (xhci_hcd)",
            lab.Json("03-detach-one-of-group").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [LabBindingFact]
    public void DetachWholeGroup_MakesItViable()
    {
        Assert.Equal(0, lab.ExitCode("04-detach-group"));
        var drivers = lab.Drivers("04-detach-group");
        Assert.All(["0000:04:00.0", "0000:04:00.1", "0000:04:00.6"], d => Assert.Equal("vfio-pci", drivers[d]));
        Assert.Equal("viable=1", lab.Viability("04-detach-group"));
        Assert.Contains("IOMMU group 12 is viable", lab.Json("04-detach-group").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [LabBindingFact]
    public void ReattachWhileGroupHeldOpen_FailsCleanlyIsUndoneAndRecorded()
    {
        Assert.Contains("holding /dev/vfio/12", lab.Read("05-holder.log"), StringComparison.Ordinal);
        Assert.Equal(3, lab.ExitCode("05-reattach-while-held"));
        var result = lab.Json("05-reattach-while-held");
        Assert.Equal("RolledBack", result.GetProperty("status").GetString());
        Assert.Contains("EINVAL", result.GetProperty("message").GetString(), StringComparison.Ordinal);
        var drivers = lab.Drivers("05-reattach-while-held");
        Assert.All(["0000:04:00.0", "0000:04:00.1", "0000:04:00.6"], d => Assert.Equal("vfio-pci", drivers[d]));
    }

    [LabBindingFact]
    public void ReattachGroup_AfterRelease_RestoresEveryHostDriver()
    {
        Assert.Equal(0, lab.ExitCode("06-reattach-group"));
        var drivers = lab.Drivers("06-reattach-group");
        Assert.Equal(("bochs-drm", "xhci_hcd", "snd_hda_intel"), (drivers["0000:04:00.0"], drivers["0000:04:00.1"], drivers["0000:04:00.6"]));
        Assert.DoesNotContain("12", lab.VfioNodes("06-reattach-group"));
    }

    [LabBindingFact]
    public void DetachBridge_IsRefusedEvenForced()
    {
        Assert.Equal(1, lab.ExitCode("07-detach-bridge"));
        Assert.Equal("Bridge", lab.Json("07-detach-bridge").GetProperty("refusals")[0].GetProperty("kind").GetString());
        Assert.Equal("none", lab.Drivers("07-detach-bridge")["0000:02:00.0"]);
    }

    [LabBindingFact]
    public void KillBetweenSteps_NextStartRecordsWhatItFound()
    {
        var killed = lab.Drivers("08-killed");
        Assert.Equal("vfio-pci", killed["0000:03:01.0"]);   // the first device had moved ...
        Assert.Equal("e1000", killed["0000:03:02.0"]);       // ... the second had not
        var interrupted = lab.Json("09-history").EnumerateArray().Single(r => r.GetProperty("target").GetString() == "group 11");
        Assert.Equal("Interrupted", interrupted.GetProperty("status").GetString());
        Assert.Contains("0000:03:01.0 on vfio-pci (was snd_hda_intel)", interrupted.GetProperty("message").GetString(), StringComparison.Ordinal);

        Assert.Equal(0, lab.ExitCode("10-reattach-after-kill"));
        Assert.Equal("snd_hda_intel", lab.Drivers("10-reattach-after-kill")["0000:03:01.0"]);
    }

    [LabBindingFact]
    public void History_ListsEveryStepWithItsResult()
    {
        var statuses = lab.Json("11-history").EnumerateArray()
            .Select(r => $"{r.GetProperty("action").GetString()} {r.GetProperty("target").GetString()} {r.GetProperty("status").GetString()}")
            .Reverse().ToArray();
        Assert.Equal(
        [
            "Detach 0000:00:1b.0 Succeeded", "Reattach 0000:00:1b.0 Succeeded", "Detach 0000:04:00.6 Succeeded", "Detach group 12 Succeeded",
            "Reattach group 12 RolledBack", "Reattach group 12 Succeeded", "Detach 0000:02:00.0 Refused", "Detach group 11 Interrupted",
            "Reattach group 11 Succeeded",
        ], statuses);
    }
}
