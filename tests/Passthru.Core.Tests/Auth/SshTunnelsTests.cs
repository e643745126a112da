using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Passthru.Core.Auth;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Auth;

/// <summary>
/// The SSH session behind a tunnelled loopback connection: the walk from the connection's client socket to
/// the process holding it and on to that process's other TCP connection, on this machine's real /proc with a
/// real helper process, and the sshd-specific branches on a SYNTHETIC /proc tree (no sshd runs in the tests).
/// </summary>
public sealed class SshTunnelsTests : IDisposable
{
    private static readonly IPEndPoint Dashboard = IPEndPoint.Parse("127.0.0.1:5280");
    private static readonly IPEndPoint Forwarded = IPEndPoint.Parse("127.0.0.1:40000");
    private static readonly IPEndPoint SshServer = IPEndPoint.Parse("192.0.2.2:22");
    private static readonly IPEndPoint SshClient = IPEndPoint.Parse("203.0.113.7:51234");

    private readonly string _proc = Directory.CreateDirectory(Scratch.NewPath("passthru-synthetic-proc")).FullName;

    [Fact]
    public async Task FindAsync_RealProcessHoldingALoopbackAndAnotherConnection_FindsTheOtherConnection()
    {
        // A python3 child stands in for sshd: it connects to "the dashboard" on loopback and to a listener on this
        // machine's own non-loopback address (the SSH client's connection). Its name is accepted as a holder's.
        var address = NonLoopbackAddress();
        using var dashboard = new TcpListener(IPAddress.Loopback, 0);
        using var far = new TcpListener(address, 0);
        dashboard.Start();
        far.Start();
        using var helper = Process.Start(new ProcessStartInfo("python3")
        {
            ArgumentList =
            {
                "-c",
                "import socket,sys\n" +
                $"a=socket.create_connection(('127.0.0.1',{Port(dashboard)}))\n" +
                $"b=socket.create_connection(('{address}',{Port(far)}))\n" +
                "print('connected',flush=True)\nsys.stdin.read()\n",
            },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        try
        {
            using var tunnelled = await dashboard.AcceptTcpClientAsync();
            using var session = await far.AcceptTcpClientAsync();
            Assert.Equal("connected", await helper.StandardOutput.ReadLineAsync());
            var name = (await File.ReadAllTextAsync($"/proc/{helper.Id.ToString(CultureInfo.InvariantCulture)}/comm")).TrimEnd('\n');

            var found = await new SshTunnels { HolderNames = new HashSet<string> { name } }
                .FindAsync((IPEndPoint)tunnelled.Client.RemoteEndPoint!, (IPEndPoint)tunnelled.Client.LocalEndPoint!);

            Assert.Equal(new SshSession((IPEndPoint)far.LocalEndpoint, (IPEndPoint)session.Client.RemoteEndPoint!, helper.Id), found);
        }
        finally
        {
            helper.StandardInput.Close();
            await helper.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task FindAsync_LoopbackConnectionOfThisProcess_IsNoTunnel()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port(listener));
        using var accepted = await listener.AcceptTcpClientAsync();

        Assert.Null(await new SshTunnels().FindAsync((IPEndPoint)accepted.Client.RemoteEndPoint!, (IPEndPoint)accepted.Client.LocalEndPoint!));
    }

    [Theory]
    [InlineData("sshd")]
    [InlineData("sshd-session")]
    public async Task FindAsync_SYNTHETIC_SessionHeldByTheForwardingSshd_IsFound(string name)
    {
        SyntheticProcess(900, "sshd", parent: 1, 3);
        SyntheticProcess(901, name, parent: 900, 4, 7);
        Sockets((Forwarded, Dashboard, 7), (SshServer, SshClient, 4), (Dashboard, Forwarded, 8));

        var found = await new SshTunnels(_proc).FindAsync(Forwarded, Dashboard);

        Assert.Equal(new SshSession(SshClient, SshServer, 901), found);
    }

    [Fact]
    public async Task FindAsync_SYNTHETIC_SessionHeldOnlyByTheParentSshd_IsFound()
    {
        SyntheticProcess(900, "sshd-session", parent: 1, 4);
        SyntheticProcess(901, "sshd-session", parent: 900, 7);
        Sockets((Forwarded, Dashboard, 7), (SshServer, SshClient, 4), (Dashboard, Forwarded, 8));

        Assert.Equal(new SshSession(SshClient, SshServer, 900), await new SshTunnels(_proc).FindAsync(Forwarded, Dashboard));
    }

    [Fact]
    public async Task FindAsync_SYNTHETIC_ForwarderThatIsNotSshd_IsNoTunnel()
    {
        // socat relaying a remote connection to the dashboard: the same shape, but nothing says an SSH session is behind it.
        SyntheticProcess(901, "socat", parent: 1, 4, 7);
        Sockets((Forwarded, Dashboard, 7), (SshServer, SshClient, 4), (Dashboard, Forwarded, 8));

        Assert.Null(await new SshTunnels(_proc).FindAsync(Forwarded, Dashboard));
    }

    [Fact]
    public async Task FindAsync_SYNTHETIC_SshdWhoseSessionIsGone_IsNoTunnel()
    {
        SyntheticProcess(901, "sshd-session", parent: 1, 7);
        Sockets((Forwarded, Dashboard, 7), (Dashboard, Forwarded, 8));

        Assert.Null(await new SshTunnels(_proc).FindAsync(Forwarded, Dashboard));
    }

    public void Dispose() => Directory.Delete(_proc, recursive: true);

    private static int Port(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;

    private static IPAddress NonLoopbackAddress()
        => NetworkInterface.GetAllNetworkInterfaces()
            .Where(nic => nic.OperationalStatus == OperationalStatus.Up)
            .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
            .Select(unicast => unicast.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? throw new InvalidOperationException("This test needs an IPv4 address other than loopback on this machine.");

    /// <summary>A SYNTHETIC process: its comm, status with the parent, and fd links to the socket inodes given.</summary>
    private void SyntheticProcess(int pid, string name, int parent, params int[] sockets)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_proc, pid.ToString(CultureInfo.InvariantCulture), "fd")).Parent!.FullName;
        File.WriteAllText(Path.Combine(directory, "comm"), name + "\n");
        File.WriteAllText(Path.Combine(directory, "status"), string.Create(CultureInfo.InvariantCulture, $"Name:\t{name}\nState:\tS (sleeping)\nPPid:\t{parent}\n"));
        File.CreateSymbolicLink(Path.Combine(directory, "fd", "0"), "/dev/null");
        for (var i = 0; i < sockets.Length; i++)
        {
            File.CreateSymbolicLink(Path.Combine(directory, "fd", (i + 3).ToString(CultureInfo.InvariantCulture)),
                string.Create(CultureInfo.InvariantCulture, $"socket:[{sockets[i]}]"));
        }
    }

    /// <summary>A SYNTHETIC net/tcp: established connections (local, remote, inode) in the kernel's format, after a listener.</summary>
    private void Sockets(params (IPEndPoint Local, IPEndPoint Remote, int Inode)[] sockets)
    {
        var lines = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
            "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3 1 0 100 0 0 10 0\n";
        for (var i = 0; i < sockets.Length; i++)
        {
            var (local, remote, inode) = sockets[i];
            lines += string.Create(CultureInfo.InvariantCulture,
                $"{i + 1,4}: {Hex(local)} {Hex(remote)} 01 00000000:00000000 00:00000000 00000000  1000        0 {inode} 1 0 20 4 30 10 -1\n");
        }

        Directory.CreateDirectory(Path.Combine(_proc, "net"));
        File.WriteAllText(Path.Combine(_proc, "net", "tcp"), lines);
    }

    /// <summary>The kernel's form: the address's network-order bytes read as one host-order word, then the port.</summary>
    private static string Hex(IPEndPoint endPoint)
        => string.Create(CultureInfo.InvariantCulture, $"{BitConverter.ToUInt32(endPoint.Address.GetAddressBytes()):X8}:{endPoint.Port:X4}");
}
