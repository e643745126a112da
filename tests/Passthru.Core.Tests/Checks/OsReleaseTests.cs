using Passthru.Core.Checks;

namespace Passthru.Core.Tests.Checks;

public class OsReleaseTests
{
    [Theory]
    [InlineData("ID=fedora\nNAME=\"Fedora Linux\"", "grubby --update-kernel=ALL --args=\"intel_iommu=on\"")]
    [InlineData("ID=rocky\nID_LIKE=\"rhel centos fedora\"", "grubby --update-kernel=ALL")]
    [InlineData("ID=ubuntu\nID_LIKE=debian", "update-grub")]
    [InlineData("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian", "update-grub")]
    [InlineData("ID=linuxmint\nID_LIKE=\"ubuntu debian\"", "update-grub")]
    [InlineData("ID=arch", "grub-mkconfig -o /boot/grub/grub.cfg")]
    [InlineData("ID=\"opensuse-tumbleweed\"\nID_LIKE=\"opensuse suse\"", "grub2-mkconfig -o /boot/grub2/grub.cfg")]
    [InlineData("ID=pop\nID_LIKE=\"ubuntu debian\"", "kernelstub --add-options \"intel_iommu=on\"")]
    public void AddParameters_PerDistribution_GivesItsCommand(string osRelease, string expected)
    {
        var fix = BootloaderFix.AddParameters(OsRelease.Parse(osRelease), isProxmox: false, "intel_iommu=on");
        Assert.Contains(expected, fix, StringComparison.Ordinal);
    }

    [Fact]
    public void AddParameters_Proxmox_UsesProxmoxBootTool()
    {
        var fix = BootloaderFix.AddParameters(OsRelease.Parse("ID=debian"), isProxmox: true, "intel_iommu=on");
        Assert.Contains("proxmox-boot-tool refresh", fix, StringComparison.Ordinal);
        Assert.Contains("/etc/kernel/cmdline", fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_QuotedAndCommentedLines_AreHandled()
    {
        var os = OsRelease.Parse("# comment\nNAME='Alpine'\nID=alpine\nPRETTY_NAME=\"Alpine Linux v3.20\"\nbroken line\n");
        Assert.Equal("alpine", os.Id);
        Assert.Equal("Alpine Linux v3.20", os.PrettyName);
    }
}
