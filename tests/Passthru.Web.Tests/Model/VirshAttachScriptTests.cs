using Passthru.Core.Pci;
using Passthru.Web.Model;

namespace Passthru.Web.Tests.Model;

/// <summary>The by-hand commands the give-a-device dialog shows, checked by the shell that would run them.</summary>
public sealed class VirshAttachScriptTests
{
    private static readonly PciAddress Card = PciAddress.Parse("0000:04:00.6");

    [Theory]
    [InlineData("win11-audio & games")]
    [InlineData("it's $(reboot) `x`")]
    [InlineData("plain")]
    public async Task Quote_AnyName_ReachesTheCommandAsOneUnchangedWord(string name)
    {
        using var shell = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/sh", ["-c", $"printf '%s' {VirshAttachScript.Quote(name)}"])
        {
            RedirectStandardOutput = true,
        })!;
        var echoed = await shell.StandardOutput.ReadToEndAsync();
        await shell.WaitForExitAsync();

        Assert.Equal(name, echoed);
    }

    [Fact]
    public void Commands_SeveralDevices_OneFileAndOneCommandEach()
    {
        var script = new VirshAttachScript("vm", [(Card, "<hostdev/>"), (PciAddress.Parse("0000:04:00.0"), "<hostdev/>")], Live: true);

        Assert.Equal(
            ["virsh attach-device 'vm' hostdev-0000-04-00-6.xml --config --live", "virsh attach-device 'vm' hostdev-0000-04-00-0.xml --config --live"],
            script.Commands);
        Assert.StartsWith("cat > hostdev-0000-04-00-6.xml <<'EOF'\n<hostdev/>\nEOF\n", script.ShellScript, StringComparison.Ordinal);
    }
}
