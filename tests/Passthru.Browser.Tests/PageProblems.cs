using Microsoft.Playwright;

namespace Passthru.Browser.Tests;

/// <summary>
/// What went wrong on a page while a test used it: console errors (a Content-Security-Policy violation is one),
/// uncaught script errors, requests that failed, and responses of 400 or more. A page of the dashboard has none.
/// </summary>
public sealed class PageProblems
{
    private readonly List<string> _found = [];

    private PageProblems(IPage page)
    {
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Add($"console error: {message.Text}");
            }
        };
        page.PageError += (_, error) => Add($"script error: {error}");
        page.RequestFailed += (_, request) => Add($"request failed: {request.Method} {request.Url} ({request.Failure})");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                Add($"HTTP {response.Status}: {response.Request.Method} {response.Url}");
            }
        };
    }

    public static PageProblems Watch(IPage page) => new(page);

    public IReadOnlyList<string> Found
    {
        get
        {
            lock (_found)
            {
                return _found.ToArray();
            }
        }
    }

    /// <summary>Fails with every problem seen, each on its own line.</summary>
    public void AssertNone(string where)
    {
        var found = Found;
        Assert.True(found.Count == 0, $"{where}:\n{string.Join('\n', found)}");
    }

    private void Add(string problem)
    {
        lock (_found)
        {
            _found.Add(problem);
        }
    }
}
