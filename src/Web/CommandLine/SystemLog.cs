using System.Net.Sockets;
using System.Text;

namespace Passthru.Web.CommandLine;

/// <summary>
/// Warnings to the system log (journald or syslog, through <c>/dev/log</c>), for a command whose stderr nobody
/// reads: libvirt drops what a hook that exits 0 wrote. Best effort: without a log socket the warning is lost.
/// </summary>
internal sealed class SystemLog(string socketPath, string tag)
{
    public const string DefaultSocket = "/dev/log";

    /// <summary>Facility daemon (3), severity warning (4): 3 × 8 + 4.</summary>
    private const int DaemonWarning = 28;

    public void Warn(string message)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            socket.Send(Encoding.UTF8.GetBytes($"<{DaemonWarning}>{tag}[{Environment.ProcessId}]: {message.ReplaceLineEndings(" ")}"));
        }
        catch (SocketException)
        {
            // No log daemon here: stderr had the warning too.
        }
    }
}
