using System.Net;
using Passthru.Core.Host;

namespace Passthru.Core.Auth;

/// <summary>The SSH session a loopback connection was tunnelled through (<c>ssh -L 5280:127.0.0.1:5280 host</c>).</summary>
/// <param name="Client">The SSH client's end: where the person really is.</param>
/// <param name="Server">This host's end of the SSH session: its address is on the interface that carries the session.</param>
/// <param name="Pid">The sshd process that holds the session.</param>
public sealed record SshSession(IPEndPoint Client, IPEndPoint Server, int Pid);

/// <summary>
/// Finds the SSH session behind a loopback connection. sshd opens a forwarded port's connection itself, so
/// the connection's client socket is held by an sshd process, and that process (or the sshd session process
/// it was forked from) also holds the SSH client's TCP connection: the one whose far end is not loopback.
/// </summary>
/// <param name="procRoot">
/// <c>/proc</c> on a host. The socket tables are read under it too (<c>net/tcp</c>, <c>net/tcp6</c>), which on
/// a host are this process's own namespace's, where the loopback connection lives.
/// </param>
public sealed class SshTunnels(string procRoot = "/proc")
{
    /// <summary>The names sshd's processes have: <c>sshd</c>, and <c>sshd-session</c> for a session since OpenSSH 9.8.</summary>
    public static readonly IReadOnlySet<string> SshdNames = new HashSet<string>(StringComparer.Ordinal) { "sshd", "sshd-session" };

    private readonly ProcessSockets _processes = new(procRoot);

    /// <summary>The names a holder may have; <see cref="SshdNames"/> unless a test looks for another program's sockets.</summary>
    public IReadOnlySet<string> HolderNames { get; init; } = SshdNames;

    /// <param name="client">The connection's remote end, as this process's socket sees it (loopback).</param>
    /// <param name="server">The connection's local end.</param>
    /// <returns>Null when the connection is not an sshd's forwarding, or its session is gone.</returns>
    public async Task<SshSession?> FindAsync(IPEndPoint client, IPEndPoint server, CancellationToken cancellationToken = default)
    {
        var tcp = await TcpSocketTable.ReadAsync(Path.Combine(_processes.ProcRoot, "net/tcp"), cancellationToken);
        var tcp6 = await TcpSocketTable.ReadAsync(Path.Combine(_processes.ProcRoot, "net/tcp6"), cancellationToken);
        if (LoopbackPeerIdentifier.ClientSocket(tcp, tcp6, client, server) is not { Inode: > 0 } clientSocket
            || _processes.HolderOf(clientSocket.Inode, HolderNames.Contains) is not { } holder)
        {
            return null;
        }

        // Only now, for an sshd's connection, is every line of the tables worth parsing.
        IReadOnlyList<TcpSocket> sockets = [.. TcpSocketTable.Parse(tcp), .. TcpSocketTable.Parse(tcp6)];

        // The forwarding is done by the session's unprivileged child; the network socket may be held by the sshd above it only.
        var holders = new List<int> { holder };
        if (_processes.ParentOf(holder) is { } parent && _processes.Name(parent) is { } parentName && HolderNames.Contains(parentName))
        {
            holders.Add(parent);
        }

        foreach (var pid in holders)
        {
            var held = _processes.SocketsOf(pid);
            if (sockets.FirstOrDefault(s => s.State == TcpSocket.Established && held.Contains(s.Inode) && !IPAddresses.IsLoopback(s.Remote.Address)) is { } session)
            {
                return new SshSession(session.Remote, session.Local, pid);
            }
        }

        return null;
    }
}
