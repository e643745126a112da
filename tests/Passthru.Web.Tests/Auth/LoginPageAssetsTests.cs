using System.Net;
using System.Text.RegularExpressions;
using Passthru.TestSupport;

namespace Passthru.Web.Tests.Auth;

/// <summary>The login page is shown to people who are not logged in: every file it loads must come without a login too.</summary>
public sealed partial class LoginPageAssetsTests(AuthHostFactory factory) : IClassFixture<AuthHostFactory>
{
    [Fact]
    public async Task EveryStylesheetScriptAndIcon_OfTheLoginPage_LoadsWithoutALogin()
    {
        using var client = factory.NewClient();
        var html = await client.GetStringAsync("/login");
        var assets = AssetReference().Matches(html).Select(match => match.Groups[1].Value).ToArray();

        var statuses = new List<string>();
        foreach (var asset in assets)
        {
            using var response = await client.GetAsync(asset);
            statuses.Add($"{asset} {(int)response.StatusCode}");
        }

        Assert.Contains(assets, asset => asset.Contains("blazor.web", StringComparison.Ordinal));
        Assert.All(statuses, status => Assert.EndsWith(" 200", status, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheScriptInitializersList_ThatBlazorAsksForOnEveryPage_LoadsWithoutALogin()
    {
        using var client = factory.NewClient();

        using var response = await client.GetAsync("/_blazor/initializers");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("[", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [GeneratedRegex("""(?:src|href)="(/?(?:_framework|_content|[a-z]+\.(?:css|js|svg))[^"]*)" """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex AssetReference();
}
