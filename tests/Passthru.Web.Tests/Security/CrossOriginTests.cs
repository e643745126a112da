using System.Net.Sockets;
using System.Text;

namespace Passthru.Web.Tests.Security;

/// <summary>
/// A WebSocket handshake is not subject to CORS: a page on any site could open the hub through its user's
/// browser and read the host. Raw handshakes on real Kestrel, from this process (root, so allowed by its user).
/// </summary>
public sealed class CrossOriginTests(KestrelDashboard dashboard) : IClassFixture<KestrelDashboard>
{
    [Theory]
    [InlineData("Origin: http://evil.example")]
    [InlineData("Origin: null")]
    [InlineData("Origin: http://localhost:{port}")] // another origin of this very host
    [InlineData("Origin: https://127.0.0.1:{port}")] // the scheme counts
    [InlineData("Origin: http://127.0.0.1:{port}\r\nOrigin: http://evil.example")] // the first of two must not win
    [InlineData("Origin: http://127.0.0.1:{port}, http://evil.example")]
    [InlineData("Sec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: websocket")] // a browser that left Origin out
    public async Task TheHubsHandshake_FromAnotherOrigin_IsRefused(string headers)
    {
        Assert.Equal("HTTP/1.1 403 Forbidden", await HandshakeAsync("/hubs/host", headers));
        Assert.Equal("HTTP/1.1 403 Forbidden", await HandshakeAsync("/_blazor", headers));
    }

    [Theory]
    [InlineData("Origin: http://127.0.0.1:{port}")]
    [InlineData("")] // a script, which sends no Origin
    public async Task TheHubsHandshake_FromTheDashboardsOwnOrigin_IsAccepted(string headers)
        => Assert.Equal("HTTP/1.1 101 Switching Protocols", await HandshakeAsync("/hubs/host", headers));

    [Fact]
    public async Task AnApiRead_FromAnotherOrigin_IsRefused()
    {
        using var client = new HttpClient { BaseAddress = dashboard.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/groups");
        request.Headers.Add("Origin", "http://evil.example");

        using var response = await client.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("http://evil.example may not reach this dashboard", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>The status line of a WebSocket handshake with these extra header lines ({port} is the dashboard's).</summary>
    private async Task<string> HandshakeAsync(string path, string headers)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(dashboard.BaseAddress.Host, dashboard.BaseAddress.Port);
        var stream = tcp.GetStream();
        var extra = headers.Length == 0 ? "" : headers.Replace("{port}", dashboard.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) + "\r\n";
        var request = $"GET {path} HTTP/1.1\r\nHost: {dashboard.BaseAddress.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadLineAsync() ?? "";
    }
}
