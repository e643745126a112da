using System.Text;
using Passthru.Core.Host;

namespace Passthru.Core.Tests.Host;

public class UeventTests
{
    // Captured on this machine's kernel by writing "change" to /sys/devices/virtual/mem/null/uevent.
    private static readonly byte[] CapturedChange = Encoding.ASCII.GetBytes(
        "change@/devices/virtual/mem/null\0ACTION=change\0DEVPATH=/devices/virtual/mem/null\0SUBSYSTEM=mem\0SYNTH_UUID=0\0MAJOR=1\0MINOR=3\0DEVNAME=null\0DEVMODE=0666\0SEQNUM=820\0");

    [Fact]
    public void TryParse_CapturedKernelMessage_ReadsHeadAndProperties()
    {
        var message = UeventMessage.TryParse(CapturedChange)!;

        Assert.Equal(("change", "/devices/virtual/mem/null", "mem"), (message.Action, message.DevPath, message.Subsystem));
        Assert.Equal("820", message.Properties["SEQNUM"]);
        Assert.False(message.ConcernsDevices);
    }

    [Fact]
    public void TryParse_PciBind_ConcernsDevices()
    {
        // SYNTHETIC in the kernel's format (lib/kobject_uevent.c): what a bind of 00:1b.0 to vfio-pci sends.
        var bytes = Encoding.ASCII.GetBytes("bind@/devices/pci0000:00/0000:00:1b.0\0ACTION=bind\0DEVPATH=/devices/pci0000:00/0000:00:1b.0\0SUBSYSTEM=pci\0DRIVER=vfio-pci\0PCI_SLOT_NAME=0000:00:1b.0\0SEQNUM=2101\0");

        var message = UeventMessage.TryParse(bytes)!;

        Assert.True(message.ConcernsDevices);
        Assert.Equal(("bind", "vfio-pci", "0000:00:1b.0"), (message.Action, message.Properties["DRIVER"], message.Properties["PCI_SLOT_NAME"]));
    }

    [Theory]
    [InlineData("libudev\0\xfe\xed\xca\xfe binary header")]
    [InlineData("no head at all\0ACTION=add\0")]
    [InlineData("add@\0ACTION=add\0")]
    [InlineData("add@/devices/x\0ACTION=remove\0")]
    [InlineData("")]
    public void TryParse_NotAKernelUevent_IsNull(string text)
        => Assert.Null(UeventMessage.TryParse(Encoding.Latin1.GetBytes(text)));

    [Fact]
    public void TryParse_MutatedMessages_NeverThrow()
    {
        var random = new Random(7);
        for (var i = 0; i < 5000; i++)
        {
            var bytes = CapturedChange.AsSpan(0, random.Next(CapturedChange.Length + 1)).ToArray();
            for (var flips = 0; flips < 8 && bytes.Length > 0; flips++)
            {
                bytes[random.Next(bytes.Length)] = (byte)"@=\0/ax<>&"[random.Next(9)];
            }

            _ = UeventMessage.TryParse(bytes);
        }
    }

    [Fact]
    public async Task UeventSocket_RealKernel_ReceivesAChangeEvent()
    {
        // A synthetic "change" on /dev/null's kobject: the kernel broadcasts it; no device is affected.
        using var socket = UeventSocket.TryOpen(out var problem);
        Assert.True(socket is not null, problem);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var receive = ReceiveNullChangeAsync(socket, timeout.Token);
        await File.WriteAllTextAsync("/sys/devices/virtual/mem/null/uevent", "change", timeout.Token);

        var message = await receive;
        Assert.Equal(("change", "mem"), (message.Action, message.Subsystem));
    }

    private static async Task<UeventMessage> ReceiveNullChangeAsync(UeventSocket socket, CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await socket.ReceiveAsync(cancellationToken);
            if (message.DevPath == "/devices/virtual/mem/null")
            {
                return message;
            }
        }
    }
}
