using System.Text.Json;
using Microsoft.Playwright;

namespace Passthru.Browser.Tests;

/// <summary>
/// axe-core, the accessibility engine browsers' own audits use, run on the page as Chromium drew it. Its
/// color-contrast rule checks every text against what is really behind it (WCAG AA: 4.5:1, 3:1 for large text).
/// test.sh installs it from the npm registry and names the script in PASSTHRU_AXE.
/// </summary>
public static class Axe
{
    public const string Variable = "PASSTHRU_AXE";

    private static readonly Lazy<string> Source = new(() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path && File.Exists(path)
            ? File.ReadAllText(path)
            : throw new InvalidOperationException($"{Variable} does not name axe.min.js: run ./test.sh, which installs axe-core and sets it."));

    /// <summary>The texts whose contrast is too low, one line each: which element, its colours and its ratio.</summary>
    public static async Task<IReadOnlyList<string>> ContrastProblemsAsync(IPage page)
    {
        // Evaluated through the browser's debugging protocol, which the page's Content-Security-Policy does not govern.
        await page.EvaluateAsync(Source.Value);
        var result = await page.EvaluateAsync<JsonElement>("""
            async () => {
                const report = await axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast'] }, resultTypes: ['violations'] });
                return report.violations.flatMap(v => v.nodes.map(n => `${n.target.join(' ')}: ${n.any.map(a => a.message).join('; ')}`));
            }
            """);
        return result.EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    public static async Task AssertContrastAsync(IPage page, string where)
    {
        var problems = await ContrastProblemsAsync(page);
        Assert.True(problems.Count == 0, $"{where}: text below WCAG AA contrast:\n{string.Join('\n', problems)}");
    }
}
