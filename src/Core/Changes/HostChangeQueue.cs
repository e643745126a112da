namespace Passthru.Core.Changes;

/// <summary>
/// One change to the host at a time, whichever way it came in (dashboard, API, command line) and
/// whatever it is: a detach or give-back, an attach to or removal from a guest, a guest's start or
/// stop. A guest's start makes libvirt unbind its managed devices, so it must not interleave with a
/// detach or give-back of the same group. Within the process, changes run in the order they arrived,
/// off the caller's thread (sysfs writes and libvirt calls block); across processes (the service
/// and a <c>passthru detach</c> from a shell) a lock file beside the history keeps them apart. A dry
/// run never waits here: it plans from the latest state and reads <see cref="InProgress"/>.
/// </summary>
public sealed class HostChangeQueue(string? lockPath = null)
{
    private static readonly TimeSpan LockRetry = TimeSpan.FromMilliseconds(100);

    private readonly SemaphoreSlim _turn = new(1, 1);
    private string? _inProgress;

    /// <summary>What is being changed right now, here or by another Passthru process ("detach of 0000:00:1b.0"), or null.</summary>
    public string? InProgress => Volatile.Read(ref _inProgress) ?? (lockPath is null ? null : HostChangeLock.HeldElsewhere(lockPath));

    /// <summary>
    /// A dry run: plans off the caller's thread at once, never waiting for a turn, and says which change (if any)
    /// was in progress when it began, so the plan is known to be from the state before that change ends.
    /// </summary>
    public async Task<(T Plan, string? ChangeInProgress)> DryRunAsync<T>(Func<Task<T>> plan, CancellationToken cancellationToken = default)
    {
        var inProgress = InProgress;
        return (await Task.Run(plan, cancellationToken), inProgress);
    }

    /// <summary>Waits for the changes queued before this one, then runs <paramref name="change"/> alone.</summary>
    /// <param name="description">What the change is, as <see cref="InProgress"/> tells it meanwhile.</param>
    /// <param name="cancellationToken">Cancels the wait for a turn only: a change that has started runs to its end.</param>
    public async Task<T> RunAsync<T>(string description, Func<Task<T>> change, CancellationToken cancellationToken = default)
    {
        await _turn.WaitAsync(cancellationToken);
        Volatile.Write(ref _inProgress, description);
        try
        {
            using var hostWide = lockPath is null ? null : await HostChangeLock.TakeAsync(lockPath, description, LockRetry, cancellationToken);
            return await Task.Run(change, CancellationToken.None);
        }
        finally
        {
            Volatile.Write(ref _inProgress, null);
            _turn.Release();
        }
    }
}
