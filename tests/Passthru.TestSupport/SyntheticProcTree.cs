using System.Globalization;
using System.Net;

namespace Passthru.TestSupport;

/// <summary>
/// A SYNTHETIC procfs tree in a scratch directory, for what cannot run in a test (an sshd and its sessions):
/// processes with a name, a parent and fd links to socket inodes, and a <c>net/tcp</c> table in the kernel's format.
/// </summary>
public sealed class SyntheticProcTree : IDisposable
{
    public string Root { get; } = Directory.CreateDirectory(Scratch.NewPath("passthru-synthetic-proc")).FullName;

    /// <summary>A process: its comm, its status with the parent, and fd links to the socket inodes given (after a non-socket fd 0).</summary>
    public void Process(int pid, string name, int parent, params ulong[] sockets)
    {
        var directory = Directory.CreateDirectory(Path.Combine(Root, pid.ToString(CultureInfo.InvariantCulture), "fd")).Parent!.FullName;
        File.WriteAllText(Path.Combine(directory, "comm"), name + "\n");
        File.WriteAllText(Path.Combine(directory, "status"), string.Create(CultureInfo.InvariantCulture, $"Name:\t{name}\nState:\tS (sleeping)\nPPid:\t{parent}\n"));
        File.CreateSymbolicLink(Path.Combine(directory, "fd", "0"), "/dev/null");
        for (var i = 0; i < sockets.Length; i++)
        {
            File.CreateSymbolicLink(Path.Combine(directory, "fd", (i + 3).ToString(CultureInfo.InvariantCulture)),
                string.Create(CultureInfo.InvariantCulture, $"socket:[{sockets[i]}]"));
        }
    }

    /// <summary>Writes <c>net/tcp</c>: a listener on port 22, then these established IPv4 connections (local, remote, inode).</summary>
    public void Sockets(params (IPEndPoint Local, IPEndPoint Remote, ulong Inode)[] sockets)
    {
        var lines = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
            "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3 1 0 100 0 0 10 0\n";
        for (var i = 0; i < sockets.Length; i++)
        {
            var (local, remote, inode) = sockets[i];
            lines += string.Create(CultureInfo.InvariantCulture,
                $"{i + 1,4}: {Hex(local)} {Hex(remote)} 01 00000000:00000000 00:00000000 00000000  1000        0 {inode} 1 0 20 4 30 10 -1\n");
        }

        Directory.CreateDirectory(Path.Combine(Root, "net"));
        File.WriteAllText(Path.Combine(Root, "net", "tcp"), lines);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    /// <summary>The kernel's form: the address's network-order bytes read as one host-order word, then the port.</summary>
    private static string Hex(IPEndPoint endPoint)
        => string.Create(CultureInfo.InvariantCulture, $"{BitConverter.ToUInt32(endPoint.Address.GetAddressBytes()):X8}:{endPoint.Port:X4}");
}
