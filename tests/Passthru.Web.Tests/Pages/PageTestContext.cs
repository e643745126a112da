using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Passthru.TestSupport;
using Radzen;

namespace Passthru.Web.Tests.Pages;

/// <summary>A bUnit context with Radzen's services and the app's host services over a captured tree.</summary>
public abstract class PageTestContext : BunitContext
{
    protected PageTestContext(string capturedTree = "intel-initial")
    {
        JSInterop.Mode = JSRuntimeMode.Loose; // Radzen calls into its script for focus and popups; not under test here.
        Services.AddRadzenComponents();
        Services.AddTestHost(CapturedTrees.Path(capturedTree), DatabasePath);
    }

    /// <summary>
    /// How long a page may take to load: a first scan and a new history database, while other test
    /// classes run in parallel on two cores, can take more than bUnit's one-second default.
    /// </summary>
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    protected string DatabasePath { get; } = Scratch.NewPath("passthru-pages") + ".db";

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Scratch.DeleteDatabase(DatabasePath);
    }
}
