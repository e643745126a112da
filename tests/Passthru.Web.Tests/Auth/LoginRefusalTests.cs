using System.Net;
using System.Text.RegularExpressions;
using Passthru.Core.Auth;
using Passthru.Core.Host;
using Passthru.TestSupport;
using Passthru.Web.Hosting;

namespace Passthru.Web.Tests.Auth;

/// <summary>What a refused login tells the browser and the log, on real Kestrel (real PAM where a password is checked).</summary>
public sealed partial class LoginRefusalTests(KestrelLoginHost host) : IClassFixture<KestrelLoginHost>
{
    [PamFact]
    public async Task TheRightPasswordOfAnAccountThatMayNotLogIn_GetsTheSamePageAsAWrongOne_AndTheLogSaysWhich()
    {
        var mark = host.Log.Lines.Count;

        var (wrongStatus, wrongPage) = await RefusedPageAsync(40, PamTestAccounts.Outsider, PamTestAccounts.OutsiderPassword + "-not");
        var (rightStatus, rightPage) = await RefusedPageAsync(41, PamTestAccounts.Outsider, PamTestAccounts.OutsiderPassword);
        var log = host.Log.Since(mark);

        Assert.Equal(HttpStatusCode.Unauthorized, wrongStatus);
        Assert.Equal(wrongStatus, rightStatus);
        Assert.Contains("Wrong user name or password.", wrongPage, StringComparison.Ordinal);
        Assert.Equal(wrongPage, rightPage);
        Assert.Contains(log, line => line.Contains($"Login refused for {PamTestAccounts.Outsider} from 127.0.0.40: WrongCredentials", StringComparison.Ordinal));
        Assert.Contains(log, line => line.Contains($"Login refused for {PamTestAccounts.Outsider} from 127.0.0.41: NotAllowed", StringComparison.Ordinal)
            && line.Contains("none of the allowed groups", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AUserNameWithLineBreaksAndTerminalEscapes_ReachesTheLogAsOneCleanLine()
    {
        var mark = host.Log.Lines.Count;
        using var browser = host.BrowserAt(50);

        using var response = await AuthHostFactory.LogInAsync(browser, "root\r\nINFO admin logged in\u001b[2J\u2028", "x");
        var lines = host.Log.Since(mark).Where(line => line.Contains("admin logged in", StringComparison.Ordinal)).ToList();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var line = Assert.Single(lines);
        Assert.Contains("Login refused for root??INFO admin logged in?[2J? from 127.0.0.50: WrongCredentials", line, StringComparison.Ordinal);
        Assert.Equal(-1, line.IndexOfAny(['\r', '\n', '\u001b', '\u2028']));
    }

    [Fact]
    public async Task AHugeUserName_LeavesAShortLogLine_AndCountsAgainstItsAddress()
    {
        var mark = host.Log.Lines.Count;
        var huge = new string('A', 3 * 1024 * 1024);
        var statuses = new List<HttpStatusCode>();

        for (var i = 0; i <= LoginThrottle.FreeAttempts; i++)
        {
            using var browser = host.BrowserAt(60);
            // Waiting for the server's go-ahead before sending the body, as curl does with a large one: refused without
            // reading it, the server would otherwise close the connection under a client still writing.
            browser.DefaultRequestHeaders.ExpectContinue = true;
            using var response = await AuthHostFactory.LogInAsync(browser, huge, "x");
            statuses.Add(response.StatusCode);
        }

        using var afterwards = host.BrowserAt(60);
        using var plain = await AuthHostFactory.LogInAsync(afterwards, "root", "x");
        var logged = host.Log.Since(mark);
        var aboutTheseLogins = logged.Where(line => line.Contains("127.0.0.60", StringComparison.Ordinal)).ToList();

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.RequestEntityTooLarge, LoginThrottle.FreeAttempts), HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, plain.StatusCode);
        Assert.Equal(statuses.Count + 1, aboutTheseLogins.Count);
        Assert.All(aboutTheseLogins, line => Assert.True(line.Length < 300, PrintableText.Of(line, 1000)));
        Assert.True(logged.Sum(line => line.Length) < 20_000, "the user name reached the log");
    }

    [Fact]
    public async Task AUserNameTooLongForAnAccount_IsRefusedBeforePam_AndItsLogLineIsShort()
    {
        var mark = host.Log.Lines.Count;
        using var browser = host.BrowserAt(70);

        using var response = await AuthHostFactory.LogInAsync(browser, new string('B', 20_000), "x");
        var line = Assert.Single(host.Log.Since(mark), line => line.Contains("Login refused", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("malformed user name (20000 characters)", line, StringComparison.Ordinal);
        Assert.True(line.Length < 300, line);
    }

    [Fact]
    public async Task ALoopOfRefusedLogins_IsLoggedAtMostPerMinuteAllowance_ThenCounted()
    {
        const int Posts = LogBudget.PerMinute + 40;
        host.Time.Advance(TimeSpan.FromMinutes(1)); // a fresh minute, whatever other tests logged
        var mark = host.Log.Lines.Count;

        for (var i = 0; i < Posts; i++)
        {
            using var browser = host.BrowserAt(80);
            using var refused = await AuthHostFactory.LogInAsync(browser, "flood\n", "x");
        }

        var inTheMinute = host.Log.Since(mark).Count(line => line.Contains("from 127.0.0.80", StringComparison.Ordinal));
        host.Time.Advance(TimeSpan.FromMinutes(1));
        var next = host.Log.Lines.Count;
        using (var browser = host.BrowserAt(80))
        using (await AuthHostFactory.LogInAsync(browser, "flood\n", "x"))
        {
        }

        Assert.Equal(LogBudget.PerMinute, inTheMinute);
        Assert.Contains(host.Log.Since(next), line => line.Contains("40 refused logins were not logged", StringComparison.Ordinal));
    }

    /// <summary>A refused login's status and page, without the antiforgery token and Blazor's sealed state (new on every page).</summary>
    private async Task<(HttpStatusCode Status, string Page)> RefusedPageAsync(byte address, string user, string password)
    {
        using var browser = host.BrowserAt(address);
        using var response = await AuthHostFactory.LogInAsync(browser, user, password);
        return (response.StatusCode, SealedPerPage().Replace(await response.Content.ReadAsStringAsync(), ""));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"[^\"]+\"|<!--Blazor-Server-Component-State:[^>]*-->")]
    private static partial Regex SealedPerPage();
}
