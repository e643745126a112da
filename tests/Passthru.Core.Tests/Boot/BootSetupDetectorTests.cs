using Passthru.Core.Boot.CommandLine;
using Passthru.Core.Host;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Boot;

public sealed class BootSetupDetectorTests : IDisposable
{
    private readonly string _root = Scratch.NewPath("passthru-boot");

    public BootSetupDetectorTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string relative, string text = "")
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private BootSetup Detect() => BootSetupDetector.Detect(new HostRoot(_root));

    [Fact]
    public void Debian_GrubDefaultWithUpdateGrub()
    {
        Write("etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
        Write("usr/sbin/update-grub");

        var setup = Detect();

        Assert.Equal((BootSetupKind.GrubDefault, "/etc/default/grub", "/usr/sbin/update-grub"), (setup.Kind, setup.File, setup.Tool));
    }

    [Fact]
    public void Opensuse_GrubDefaultWithGrub2Mkconfig_WritesItsOwnGrubCfg()
    {
        Write("etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
        Write("usr/sbin/grub2-mkconfig");
        Write("boot/grub2/grub.cfg");

        var plan = CommandLinePlanner.Plan(new HostRoot(_root), Change("iommu=pt"), DateTimeOffset.UnixEpoch);

        Assert.Equal(["chroot", _root, "/usr/sbin/grub2-mkconfig", "-o", "/boot/grub2/grub.cfg"], Assert.Single(plan.Commands).Arguments);
        Assert.Equal("/etc/default/grub.passthru-19700101T000000Z.bak", Assert.Single(plan.Edits).Backup);
    }

    [Fact]
    public void Proxmox_KernelCmdlineWithProxmoxBootTool()
    {
        Write("etc/pve/.version");
        Write("etc/kernel/cmdline", "root=ZFS=rpool/ROOT/pve-1 boot=zfs\n");
        Write("etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
        Write("usr/sbin/proxmox-boot-tool");

        var plan = CommandLinePlanner.Plan(new HostRoot(_root), Change("iommu=pt"), DateTimeOffset.UnixEpoch);

        Assert.Equal(BootSetupKind.ProxmoxBootTool, plan.Setup.Kind);
        Assert.Equal("root=ZFS=rpool/ROOT/pve-1 boot=zfs iommu=pt\n", Assert.Single(plan.Edits).After);
        Assert.Equal(["chroot", _root, "/usr/sbin/proxmox-boot-tool", "refresh"], Assert.Single(plan.Commands).Arguments);
    }

    [Fact]
    public void Fedora_BlsEntriesWithGrubby_AskGrubbyToRemoveTheExactWords()
    {
        Write("usr/sbin/grubby");
        Write("etc/default/grub", "GRUB_CMDLINE_LINUX=\"rhgb quiet\"\n");
        Write("boot/loader/entries/abc-6.11.4-301.fc41.x86_64.conf",
            "title Fedora Linux (6.11.4-301.fc41.x86_64)\nlinux /vmlinuz-6.11.4-301.fc41.x86_64\noptions root=UUID=1 ro pcie_acs_override=downstream rhgb quiet\n");

        var plan = CommandLinePlanner.Plan(new HostRoot(_root), Change("intel_iommu=on", remove: "pcie_acs_override"), DateTimeOffset.UnixEpoch);

        Assert.Equal(BootSetupKind.Grubby, plan.Setup.Kind);
        var edit = Assert.Single(plan.Edits);
        Assert.True(edit.WrittenByTool);
        Assert.True(edit.Diff.Contains("+options root=UUID=1 ro rhgb quiet intel_iommu=on\n", StringComparison.Ordinal), edit.Diff);
        Assert.Equal(["chroot", _root, "/usr/sbin/grubby", "--update-kernel=ALL", "--args=intel_iommu=on", "--remove-args=pcie_acs_override=downstream"],
            Assert.Single(plan.Commands).Arguments);
    }

    [Fact]
    public void NothingKnown_IsNotRecognisedAndThePlanRefuses()
    {
        Write("boot/extlinux/extlinux.conf", "APPEND root=/dev/sda1\n");

        var plan = CommandLinePlanner.Plan(new HostRoot(_root), Change("iommu=pt"), DateTimeOffset.UnixEpoch);

        Assert.False(plan.Setup.IsRecognised);
        Assert.StartsWith("The boot setup is not recognised", plan.Refusal, StringComparison.Ordinal);
        Assert.Empty(plan.Commands);
    }

    [Fact]
    public void GrubDefaultLinkingOutOfTheRoot_IsNotFollowed()
    {
        var outside = Scratch.NewPath("passthru-outside-grub");
        File.WriteAllText(outside, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
        try
        {
            Directory.CreateDirectory(Path.Combine(_root, "etc/default"));
            File.CreateSymbolicLink(Path.Combine(_root, "etc/default/grub"), outside);
            Write("usr/sbin/update-grub");

            Assert.False(Detect().IsRecognised);
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Fact]
    public void Kernelstub_IsNotAppliedAndSaysWhy()
    {
        Write("usr/bin/kernelstub");
        Write("etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");

        Assert.Contains("kernelstub", Detect().Reason, StringComparison.Ordinal);
    }

    private static ParameterChange Change(string? add = null, string? remove = null)
        => ParameterChange.TryCreate(add is null ? [] : [add], remove is null ? [] : [remove], out var change, out var error) ? change : throw new InvalidOperationException(error);
}
