using Microsoft.AspNetCore.Components;
using Passthru.Web.Live;

namespace Passthru.Web.Components;

/// <summary>
/// A component that follows the live host state. It subscribes once the circuit is interactive
/// (never while prerendering), merges bursts by redrawing at most every <see cref="MinimumRedrawInterval"/>,
/// hands each state to the renderer's thread through <c>InvokeAsync</c>, and on disposal cancels the
/// loop, ends the subscription and waits for the loop to finish. When updates stop (the producer says
/// so, or applying a state throws) it tells <see cref="LiveUpdatesStatus"/>, which the layout shows;
/// its own loop starts again after a <see cref="RestartPause"/>.
/// </summary>
public abstract partial class LiveComponentBase : ComponentBase, IAsyncDisposable
{
    protected static readonly TimeSpan MinimumRedrawInterval = TimeSpan.FromMilliseconds(100);

    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private LiveState? _applied;

    [Inject]
    public required LiveHost Live { get; init; }

    [Inject]
    public required LiveUpdatesStatus LiveUpdates { get; init; }

    [Inject]
    public required TimeProvider TimeProvider { get; init; }

    [Inject]
    public required ILogger<LiveComponentBase> Logger { get; init; }

    /// <summary>
    /// Applies a new state to the component, on the renderer's thread; returns whether the component
    /// must redraw. A page that shows only devices says no to the states in which only interrupts moved.
    /// </summary>
    protected abstract ValueTask<bool> OnLiveStateAsync(LiveState state);

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _loop = FollowAsync(_stop.Token);
        }
    }

    private async Task FollowAsync(CancellationToken cancellationToken)
    {
        var pause = new RestartPause();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await FollowUntilFailureAsync(pause, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            catch (ObjectDisposedException)
            {
                return; // the circuit went away between the state and the redraw
            }
            catch (Exception ex)
            {
                // Left as it was, the page would stand still until closed: say why, and follow again after a pause.
                var wait = pause.Next();
                LogFollowFailed(Logger, GetType().Name, wait.TotalSeconds, ex);
                LiveUpdates.Report(this, ex.Message);
                await Task.Delay(wait, TimeProvider, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task FollowUntilFailureAsync(RestartPause pause, CancellationToken cancellationToken)
    {
        using var subscription = Live.Subscribe();
        while (await subscription.Reader.WaitToReadAsync(cancellationToken))
        {
            if (!subscription.Reader.TryRead(out var state))
            {
                continue;
            }

            await InvokeAsync(async () =>
            {
                // A state that only says the updates stopped holds the data already shown: nothing to apply.
                if (_applied is null || !state.HasSameDataAs(_applied))
                {
                    var redraw = await OnLiveStateAsync(state);
                    _applied = state;
                    if (redraw)
                    {
                        StateHasChanged();
                    }
                }

                LiveUpdates.Report(this, state.StoppedBecause);
            });
            pause.Reset();
            await Task.Delay(MinimumRedrawInterval, TimeProvider, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        LiveUpdates.Forget(this);
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Component} stopped following the live state; following it again in {PauseSeconds} s.")]
    private static partial void LogFollowFailed(ILogger logger, string component, double pauseSeconds, Exception exception);
}
