using System.Text;
using Passthru.Core.Host;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Host;

public class UeventTests
{
    // Captured on this machine's kernel by writing "change" to /sys/devices/virtual/mem/null/uevent.
    private static readonly byte[] CapturedChange = Encoding.ASCII.GetBytes(
        "change@/devices/virtual/mem/null\0ACTION=change\0DEVPATH=/devices/virtual/mem/null\0SUBSYSTEM=mem\0SYNTH_UUID=0\0MAJOR=1\0MINOR=3\0DEVNAME=null\0DEVMODE=0666\0SEQNUM=820\0");

    // SYNTHETIC in the kernel's format (lib/kobject_uevent.c): what a bind of 00:1b.0 to vfio-pci sends.
    private static readonly byte[] PciBind = Encoding.ASCII.GetBytes(
        "bind@/devices/pci0000:00/0000:00:1b.0\0ACTION=bind\0DEVPATH=/devices/pci0000:00/0000:00:1b.0\0SUBSYSTEM=pci\0DRIVER=vfio-pci\0PCI_SLOT_NAME=0000:00:1b.0\0SEQNUM=2101\0");

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
        var message = UeventMessage.TryParse(PciBind)!;

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
    public async Task TryParse_MutatedMessages_NeverThrowAndKeepTheirShape()
    {
        byte[][] seeds = [CapturedChange, PciBind];
        await Fuzz.RunAsync(seed: 7, iterations: 5000, random => random.Next(4) == 0
            ? Mutations.RandomBytes(random, 300, "@=\0/ACTION=bindaddpci"u8)
            : Mutations.Mutate(seeds[random.Next(seeds.Length)], random), bytes =>
        {
            if (UeventMessage.TryParse(bytes) is not { } message)
            {
                return;
            }

            Assert.InRange(bytes.Length, 1, UeventMessage.MaxLength);
            Assert.NotEmpty(message.Action);
            Assert.DoesNotContain('@', message.Action);
            Assert.NotEmpty(message.DevPath);
            Assert.InRange(message.Properties.Count, 0, bytes.Count(b => b == 0));
            Assert.All(message.Properties.Keys, key => Assert.True(key.Length > 0 && !key.Contains('=', StringComparison.Ordinal), key));
        });
    }

    [Fact]
    public void TryParse_OversizedMessage_IsRefusedBeforeAnythingIsRead()
    {
        var bytes = Mutations.Large(PciBind, new Random(9), 1024 * 1024);

        UeventMessage? message = null;
        var allocated = Fuzz.AllocatedBy(() => message = UeventMessage.TryParse(bytes));

        Assert.Null(message);
        Assert.InRange(allocated, 0, 1024);
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
