using Bunit;
using Bunit.Rendering;
using MudBlazor.Services;
using Passthru.TestSupport;

namespace Passthru.Web.Tests.Pages;

/// <summary>
/// A bUnit context with MudBlazor's services and the app's host services over a captured tree. It is
/// disposed asynchronously (through <see cref="IAsyncLifetime"/>): MudBlazor's services can only be.
/// </summary>
public abstract class PageTestContext : BunitContext, IAsyncLifetime
{
    /// <param name="capturedTree">A captured tree's name, or the path of a tree that is not one (a SYNTHETIC tree's root).</param>
    /// <param name="writable">The test writes to the host (a detach): it gets its own copy of the tree, a FIXTURE ROOT no kernel acts on.</param>
    protected PageTestContext(string capturedTree = "intel-initial", bool writable = false)
    {
        JSInterop.Mode = JSRuntimeMode.Loose; // MudBlazor calls into its script for focus, popovers and sizes; not under test here.
        Services.AddMudServices();
        _copy = writable ? CapturedTrees.Copy(capturedTree) : null;
        Services.AddTestHost(_copy ?? (Path.IsPathRooted(capturedTree) ? capturedTree : CapturedTrees.Path(capturedTree)), DatabasePath);
    }

    private readonly string? _copy;

    /// <summary>The writable copy the app reads, for a test that changes the host under a page.</summary>
    protected string TreeCopy => _copy ?? throw new InvalidOperationException("This test class did not ask for a writable tree.");

    /// <summary>
    /// How long a page may take to load: a first scan and a new history database, while other test
    /// classes run in parallel on two cores, can take more than bUnit's one-second default.
    /// </summary>
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    protected string DatabasePath { get; } = Scratch.NewPath("passthru-pages") + ".db";

    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <summary>
    /// Clicks an element found afresh: a live page re-renders every second (interrupt rates), and a click on an
    /// element from the render before finds its handler gone. Only that is tried again; any other failure is the test's.
    /// </summary>
    protected static void ClickLive(Func<AngleSharp.Dom.IElement> find)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                find().Click();
                return;
            }
            catch (UnknownEventHandlerIdException) when (attempt < 5)
            {
            }
        }
    }

    /// <summary>What a test class stops before the services go (the live host's loop, say).</summary>
    protected virtual Task BeforeDisposeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await BeforeDisposeAsync();
        await DisposeAsync();
        Scratch.DeleteDatabase(DatabasePath);
        if (_copy is not null)
        {
            Directory.Delete(_copy, recursive: true);
        }
    }
}
