namespace Passthru.Web.Components;

/// <summary>
/// Whether live updates reach this browser's page, as its live components find (one instance per circuit):
/// each reports why its updates stopped, or that they flow again. The layout shows the reason while any
/// component has one, so every page that follows the live state says so in the same place.
/// </summary>
public sealed class LiveUpdatesStatus
{
    private readonly Lock _gate = new();
    private readonly Dictionary<object, string> _stopped = [];

    /// <summary>Raised when <see cref="StoppedBecause"/> changed; on any thread.</summary>
    public event Action? Changed;

    /// <summary>Why live updates stopped on this page, or null while they flow.</summary>
    public string? StoppedBecause
    {
        get
        {
            lock (_gate)
            {
                return _stopped.Values.FirstOrDefault();
            }
        }
    }

    /// <summary>What <paramref name="follower"/> found: why its updates stopped, or null when they flow.</summary>
    public void Report(object follower, string? stoppedBecause)
    {
        bool changed;
        lock (_gate)
        {
            var before = _stopped.Values.FirstOrDefault();
            if (stoppedBecause is null)
            {
                _stopped.Remove(follower);
            }
            else
            {
                _stopped[follower] = stoppedBecause;
            }

            changed = _stopped.Values.FirstOrDefault() != before;
        }

        if (changed)
        {
            Changed?.Invoke();
        }
    }

    /// <summary><paramref name="follower"/> is gone (its page was left): what it said no longer holds.</summary>
    public void Forget(object follower) => Report(follower, null);
}
