using System.Net;
using System.Net.Sockets;

namespace Passthru.TestSupport;

/// <summary>Starting the dashboard as its own process: a free loopback port, and waiting until it answers.</summary>
public static class LocalServer
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls <paramref name="address"/> until the server answers with any status; gives up after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilServingAsync(Uri address, TimeSpan timeout)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(address);
                return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }
}
