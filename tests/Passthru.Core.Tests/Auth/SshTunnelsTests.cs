using System.Diagnostics;
using System.Globalization;
using System.Net;
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

    private readonly SyntheticProcTree _synthetic = new();

    private string Proc => _synthetic.Root;

    [Fact]
    public async Task FindAsync_RealProcessHoldingALoopbackAndAnotherConnection_FindsTheOtherConnection()
    {
        // A python3 child stands in for sshd: it connects to "the dashboard" on loopback and to a listener on this
        // machine's own non-loopback address (the SSH client's connection). Its name is accepted as a holder's.
        var address = MachineAddresses.NonLoopbackIPv4();
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
        _synthetic.Process(900, "sshd", parent: 1, 3);
        _synthetic.Process(901, name, parent: 900, 4, 7);
        _synthetic.Sockets((Forwarded, Dashboard, 7), (SshServer, SshClient, 4), (Dashboard, Forwarded, 8));

        var found = await new SshTunnels(Proc).FindAsync(Forwarded, Dashboard);

        Assert.Equal(new SshSession(SshClient, SshServer, 901), found);
    }

    [Fact]
    public async Task FindAsync_SYNTHETIC_SessionHeldOnlyByTheParentSshd_IsFound()
    {
        _synthetic.Process(900, "sshd-session", parent: 1, 4);
        _synthetic.Process(901, "sshd-session", parent: 900, 7);
        _synthetic.Sockets((Forwarded, Dashboard, 7), (SshServer, SshClient, 4), (Dashboard, Forwarded, 8));

        Assert.Equal(new SshSession(SshClient, SshServer, 900), await new SshTunnels(Proc).FindAsync(Forwarded, Dashboard));
    }

    [Fact]
    public async Task FindAsync_SYNTHETIC_ForwarderThatIsNotSshd_IsNoTunnel()
    {
        // socat relaying a remote connection to the dashboard: the same shape, but nothing says an SSH session is behind it.
        _synthetic.Process(901, "socat", parent: 1, 4, 7);
        _synthetic.Sockets((Forwarded, Dashboard, 7), (SshServer, SshClient, 4), (Dashboard, Forwarded, 8));

        Assert.Null(await new SshTunnels(Proc).FindAsync(Forwarded, Dashboard));
    }

    [Fact]
    public async Task FindAsync_SYNTHETIC_SshdWhoseSessionIsGone_IsNoTunnel()
    {
        _synthetic.Process(901, "sshd-session", parent: 1, 7);
        _synthetic.Sockets((Forwarded, Dashboard, 7), (Dashboard, Forwarded, 8));

        Assert.Null(await new SshTunnels(Proc).FindAsync(Forwarded, Dashboard));
    }

    public void Dispose() => _synthetic.Dispose();

    private static int Port(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;
}
