using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Passthru.Web.Auth;
using Passthru.Web.Components.Layout;

namespace Passthru.Web.Tests.Pages;

/// <summary>An open tab whose user lost standing (the revalidation made the state anonymous) can do nothing more.</summary>
public sealed class LoginGateTests : BunitContext
{
    private IRenderedComponent<LoginGate> RenderGate(bool loginsOn, string? user)
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton(Options.Create(new AuthOptions { Enabled = loginsOn }));
        var authorization = AddAuthorization();
        if (user is not null)
        {
            authorization.SetAuthorized(user);
        }

        return Render<LoginGate>(parameters => parameters.Add(gate => gate.ChildContent, (RenderFragment)(page => page.AddMarkupContent(0, "<p id=\"page\">the page</p>"))));
    }

    [Fact]
    public void LoginsOff_AUserWithStanding_SeesThePage()
    {
        var gate = RenderGate(loginsOn: false, user: "root");

        Assert.NotEmpty(gate.FindAll("#page"));
        Assert.Empty(gate.FindAll("#standing-ended"));
    }

    [Fact]
    public void LoginsOff_AUserWhoLostStanding_SeesThePageEmptiedAndWhy()
    {
        var gate = RenderGate(loginsOn: false, user: null);

        Assert.Empty(gate.FindAll("#page"));
        Assert.Contains("You may no longer use Passthru on this host", gate.Find("#standing-ended").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void LoginsOn_ALoginThatEnded_GoesToTheLoginPage()
    {
        var gate = RenderGate(loginsOn: true, user: null);

        Assert.Empty(gate.FindAll("#page"));
        Assert.EndsWith("login?returnUrl=%2F", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }
}
