using System.Text.Json;
using Microsoft.Playwright;

namespace Passthru.Browser.Tests;

/// <summary>
/// Another site's page in the browser of a user who may use the dashboard (this test runs as root, so its
/// Chromium's connections are root's): a WebSocket handshake is not subject to CORS, so only the dashboard
/// can refuse it. The "other site" is the same host under another name, so nothing else in Chromium stands in the way.
/// </summary>
public sealed class CrossSiteBrowserTests(DashboardServer server, BrowserFixture browser)
    : IClassFixture<DashboardServer>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task APageOfAnotherSite_CannotOpenTheHub()
    {
        var context = await browser.Browser.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync();
            var evil = $"http://localhost:{server.BaseAddress.Port}/evil.html";
            await page.RouteAsync(evil, route => route.FulfillAsync(new() { ContentType = "text/html", Body = "<!DOCTYPE html><title>another site</title>" }));
            await page.GotoAsync(evil);

            var result = await page.EvaluateAsync<JsonElement>("""
                async (dashboard) => {
                    const socket = await new Promise(resolve => {
                        const ws = new WebSocket(dashboard.replace('http', 'ws') + 'hubs/host');
                        let received = '';
                        ws.onopen = () => ws.send('{"protocol":"json","version":1}\u001e');
                        ws.onmessage = message => { received += message.data; };
                        ws.onclose = close => resolve({ opened: ws.readyState !== 3 || received.length > 0, received: received.length });
                        setTimeout(() => { resolve({ opened: true, received: received.length }); ws.close(); }, 5000);
                    });
                    return { socket };
                }
                """, server.BaseAddress.ToString());

            Assert.Equal(0, result.GetProperty("socket").GetProperty("received").GetInt32());
            Assert.False(result.GetProperty("socket").GetProperty("opened").GetBoolean());
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
