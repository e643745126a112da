using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Radzen;

namespace Passthru.Web.Tests.Pages;

/// <summary>A bUnit context with Radzen's services and the host model over a captured tree.</summary>
public abstract class PageTestContext : BunitContext
{
    protected PageTestContext(string capturedTree = "intel-initial")
    {
        JSInterop.Mode = JSRuntimeMode.Loose; // Radzen calls into its script for focus and popups; not under test here.
        Services.AddRadzenComponents();
        Services.AddSingleton(TestHost.Model(capturedTree));
    }
}
