using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Passthru.Core.Host;

/// <summary>
/// The kernel's uevent broadcast (a NETLINK_KOBJECT_UEVENT socket bound to the kernel's multicast
/// group), which udev itself listens to. Receiving is asynchronous on the runtime's socket engine:
/// no thread waits while nothing happens.
/// </summary>
public sealed partial class UeventSocket : IDisposable
{
    private const ushort NetlinkFamily = 16;      // AF_NETLINK
    private const int SocketDatagram = 2;         // SOCK_DGRAM
    private const int SocketCloseOnExec = 0x80000; // SOCK_CLOEXEC
    private const int NetlinkKobjectUevent = 15;
    private const uint KernelGroup = 1;

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[UeventMessage.MaxLength + 1];

    private UeventSocket(Socket socket) => _socket = socket;

    /// <summary>Opens the socket, or returns null with the reason (not Linux, no permission, a sandbox without netlink).</summary>
    public static unsafe UeventSocket? TryOpen(out string? problem)
    {
        // .NET's AddressFamily has no netlink member, so the socket is made and bound with libc and then handed to Socket.
        var fd = NativeSocket(NetlinkFamily, SocketDatagram | SocketCloseOnExec, NetlinkKobjectUevent);
        if (fd < 0)
        {
            problem = $"The kernel's uevent socket cannot be opened ({NativeFile.Describe(Marshal.GetLastPInvokeError())}).";
            return null;
        }

        var handle = new SafeSocketHandle(fd, ownsHandle: true);
        var address = stackalloc byte[12]; // struct sockaddr_nl: family, padding, port id (0: the kernel assigns one), groups
        *(ushort*)address = NetlinkFamily;
        *(uint*)(address + 8) = KernelGroup;
        if (NativeBind(fd, address, 12) != 0)
        {
            problem = $"The kernel's uevent socket cannot be bound ({NativeFile.Describe(Marshal.GetLastPInvokeError())}).";
            handle.Dispose();
            return null;
        }

        var socket = new Socket(handle);
        try
        {
            socket.ReceiveBufferSize = 1024 * 1024; // a burst (a driver probing many functions) must not overflow the queue
        }
        catch (SocketException)
        {
            // the default buffer still works; an overflow only costs a rescan that a later event triggers anyway
        }

        problem = null;
        return new UeventSocket(socket);
    }

    /// <summary>The next kernel uevent; messages that are not (udev's, malformed) are skipped.</summary>
    public async Task<UeventMessage> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var length = await _socket.ReceiveAsync(_buffer, SocketFlags.None, cancellationToken);
            if (UeventMessage.TryParse(_buffer.AsSpan(0, length)) is { } message)
            {
                return message;
            }
        }
    }

    public void Dispose() => _socket.Dispose();

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int NativeSocket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    private static unsafe partial int NativeBind(int fd, byte* address, int length);
}
