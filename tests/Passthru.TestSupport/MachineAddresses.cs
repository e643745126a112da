using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Passthru.TestSupport;

/// <summary>This machine's own addresses, for tests of connections that must not be loopback.</summary>
public static class MachineAddresses
{
    /// <summary>An IPv4 address of an interface that is up, other than loopback.</summary>
    public static IPAddress NonLoopbackIPv4()
        => NetworkInterface.GetAllNetworkInterfaces()
            .Where(nic => nic.OperationalStatus == OperationalStatus.Up)
            .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
            .Select(unicast => unicast.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? throw new InvalidOperationException("This test needs an IPv4 address other than loopback on this machine.");
}
