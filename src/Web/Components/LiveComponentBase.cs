using Microsoft.AspNetCore.Components;
using Passthru.Web.Live;

namespace Passthru.Web.Components;

/// <summary>
/// A component that follows the live host state. It subscribes once the circuit is interactive
/// (never while prerendering), merges bursts by redrawing at most every <see cref="MinimumRedrawInterval"/>,
/// hands each state to the renderer's thread through <c>InvokeAsync</c>, and on disposal cancels the
/// loop, ends the subscription and waits for the loop to finish.
/// </summary>
public abstract class LiveComponentBase : ComponentBase, IAsyncDisposable
{
    protected static readonly TimeSpan MinimumRedrawInterval = TimeSpan.FromMilliseconds(100);

    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    [Inject]
    public required LiveHost Live { get; init; }

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
        using var subscription = Live.Subscribe();
        try
        {
            while (await subscription.Reader.WaitToReadAsync(cancellationToken))
            {
                if (!subscription.Reader.TryRead(out var state))
                {
                    continue;
                }

                await InvokeAsync(async () =>
                {
                    if (await OnLiveStateAsync(state))
                    {
                        StateHasChanged();
                    }
                });
                await Task.Delay(MinimumRedrawInterval, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
            // the circuit went away between the state and the redraw
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}
