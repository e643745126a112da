using Bunit;
using Bunit.Extensions.WaitForHelpers;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Passthru.Web.Components;
using Passthru.Web.Components.Layout;
using Passthru.Web.Components.Pages;
using Passthru.Web.Live;
using Passthru.Web.Tests.Live;

namespace Passthru.Web.Tests.Pages;

/// <summary>
/// The Groups page in the app's layout while the live producer's loop fails once (a SYNTHETIC sampler
/// failure) and, while it waits to start again, the sound card 00:1b.0 moves to vfio-pci in the tree copy
/// (a FIXTURE ROOT: no kernel is involved). Time is a fake clock the test moves on.
/// </summary>
public sealed class LiveUpdatesStoppedTests : PageTestContext
{
    private const string Card = "0000:00:1b.0";
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    public LiveUpdatesStoppedTests()
        : base(writable: true)
    {
        Services.AddSingleton<TimeProvider>(_time);
        Services.AddSingleton<SyntheticSamplers>();
        Services.AddSingleton<IInterruptSamplerFactory>(sp => sp.GetRequiredService<SyntheticSamplers>());
        // With logins off, the circuit's user is the local account that opened the page.
        AddAuthorization().SetAuthorized("root");
    }

    private LiveHost Live => Services.GetRequiredService<LiveHost>();

    public override Task InitializeAsync() => Live.StartAsync(CancellationToken.None);

    protected override Task BeforeDisposeAsync() => Live.StopAsync(CancellationToken.None);

    private IRenderedComponent<MainLayout> RenderGroupsInLayout()
        => Render<MainLayout>(parameters => parameters.Add(layout => layout.Body, (RenderFragment)(body =>
        {
            body.OpenComponent<Groups>(0);
            body.CloseComponent();
        })));

    private static string DriverOf(IRenderedComponent<MainLayout> page) => page.Find($"tr[data-address='{Card}']").TextContent;

    /// <summary>Moves the clock on a step at a time until the page shows what <paramref name="assertion"/> wants.</summary>
    private async Task AdvanceUntilAsync<TComponent>(IRenderedComponent<TComponent> page, Action assertion)
        where TComponent : IComponent
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            try
            {
                await page.WaitForAssertionAsync(assertion, TimeSpan.FromMilliseconds(20));
                return;
            }
            catch (WaitForFailedException) when (DateTime.UtcNow < deadline)
            {
                _time.Advance(Step);
            }
        }
    }

    [Fact]
    public async Task ProducerFails_PageSaysLiveUpdatesStopped_ThenShowsFreshStateWithoutTheMessage()
    {
        var page = RenderGroupsInLayout();
        page.WaitForAssertion(() => Assert.Contains("snd_hda_intel", DriverOf(page), StringComparison.Ordinal), Timeout);
        page.WaitForState(() => Live.SubscriberCount > 0, Timeout);
        Assert.Empty(page.FindAll("#live-stopped"));

        Services.GetRequiredService<SyntheticSamplers>().FailNextSample("SYNTHETIC sampler failure");
        await AdvanceUntilAsync(page, () => Assert.NotEmpty(page.FindAll("#live-stopped")));

        Assert.Equal("live updates stopped: SYNTHETIC sampler failure", page.Find("#live-stopped").TextContent.Trim());
        // While the loop waits to start again, the card changes driver: only a fresh scan after the restart shows it.
        var link = Path.Combine(TreeCopy, $"sys/bus/pci/devices/{Card}/driver");
        File.Delete(link);
        File.CreateSymbolicLink(link, "../../../bus/pci/drivers/vfio-pci");

        await AdvanceUntilAsync(page, () => Assert.Contains("vfio-pci", DriverOf(page), StringComparison.Ordinal));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("#live-stopped")), Timeout);
    }

    [Fact]
    public async Task ApplyingAStateFails_PageSaysWhy_ThenFollowsAgain()
    {
        var page = Render<LiveUpdatesNotice>();
        var follower = Render<SyntheticFailingFollower>();
        await TimeDriving.WaitUntilAsync(() => follower.Instance.Applied > 0, "the first state applied");

        follower.Instance.FailNext = true;
        await AdvanceUntilAsync(page, () => Assert.Equal("live updates stopped: SYNTHETIC failure applying a state", page.Find("#live-stopped").TextContent.Trim()));

        var before = follower.Instance.Applied;
        await AdvanceUntilAsync(page, () => Assert.Empty(page.FindAll("#live-stopped")));
        Assert.True(follower.Instance.Applied > before);
    }

    /// <summary>A live component that fails, when told, to apply the next state: a SYNTHETIC fault in a page's own loop.</summary>
    private sealed class SyntheticFailingFollower : LiveComponentBase
    {
        public volatile bool FailNext;

        private int _applied;

        public int Applied => Volatile.Read(ref _applied);

        protected override ValueTask<bool> OnLiveStateAsync(LiveState state)
        {
            if (FailNext)
            {
                FailNext = false;
                throw new InvalidOperationException("SYNTHETIC failure applying a state");
            }

            Interlocked.Increment(ref _applied);
            return ValueTask.FromResult(false);
        }
    }
}
