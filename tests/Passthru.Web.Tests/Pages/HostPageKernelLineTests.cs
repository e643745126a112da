using Bunit;
using MudBlazor;
using Passthru.TestSupport;
using Passthru.Web.Components.Pages;

namespace Passthru.Web.Tests.Pages;

/// <summary>
/// The Host page on a SYNTHETIC Debian-like tree whose /etc/default/grub already says more than the running kernel
/// got: Reboot pending names the difference, and the iommu=pt fix's Apply opens the plan. Its update-grub is an
/// empty file, so the apply fails in the chroot, and the page shows how the file was put back.
/// </summary>
public sealed class HostPageKernelLineTests : PageTestContext
{
    private const string Grub = "GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on\"\nGRUB_CMDLINE_LINUX=\"\"\n";
    private readonly SyntheticTree _tree;

    public HostPageKernelLineTests()
        : this(new SyntheticTree()
            .AddDevice("pci0000:00/0000:00:00.0", 0x8086, 0x29c0, 0x060000)
            .WithFile("proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\n")
            .WithFile("proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/vda1 ro quiet pcie_acs_override=downstream\n")
            .WithFile("etc/default/grub", Grub)
            .WithFile("usr/sbin/update-grub", ""))
    {
    }

    private HostPageKernelLineTests(SyntheticTree tree)
        : base(tree.Root) => _tree = tree;

    protected override Task BeforeDisposeAsync()
    {
        _tree.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void RebootPending_NamesWhatTheNextBootAddsAndDrops()
    {
        var page = Render<HostPage>();
        page.WaitForState(() => page.Instance.Host is not null, Timeout);

        Assert.Equal("intel_iommu=on", page.Find("#reboot-adds").TextContent);
        Assert.Equal("pcie_acs_override=downstream", page.Find("#reboot-drops").TextContent);
        Assert.Contains("update-grub", page.Find("#boot-setup").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_ShowsDiffBackupAndCommand_AndAFailedToolPutsTheFileBack()
    {
        var dialogs = Render<MudDialogProvider>();
        var page = Render<HostPage>();
        page.WaitForState(() => page.Instance.Host is not null, Timeout);

        ClickLive(() => page.Find("#apply-iommu-pt"));
        dialogs.WaitForElement("#kernel-line-apply", Timeout);

        Assert.Contains("+GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on iommu=pt\"", dialogs.Find(".kernel-line-diff").TextContent, StringComparison.Ordinal);
        Assert.StartsWith("/etc/default/grub.passthru-", dialogs.Find(".kernel-line-backup").TextContent, StringComparison.Ordinal);
        Assert.Equal($"chroot {_tree.Root} /usr/sbin/update-grub", dialogs.Find(".kernel-line-command").TextContent);

        dialogs.Find("#kernel-line-apply").Click();
        var outcome = dialogs.WaitForElement("#kernel-line-outcome", Timeout);

        Assert.Equal("RolledBack", outcome.GetAttribute("data-status"));
        Assert.Equal(Grub, File.ReadAllText(Path.Combine(_tree.Root, "etc/default/grub")));
        Assert.Equal(Grub, File.ReadAllText(Assert.Single(Directory.GetFiles(Path.Combine(_tree.Root, "etc/default"), "grub.passthru-*.bak"))));
    }

    [Fact]
    public void UnrecognisedSetup_OffersNoApply()
    {
        File.Delete(Path.Combine(_tree.Root, "usr/sbin/update-grub"));
        var page = Render<HostPage>();
        page.WaitForState(() => page.Instance.Host is not null, Timeout);

        Assert.Empty(page.FindAll("[id^=apply-]"));
        Assert.Contains("not recognised", page.Find("#boot-setup").TextContent, StringComparison.Ordinal);
    }
}
