using Passthru.Core.Changes;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Changes;

public sealed class HostChangeQueueTests
{
    [Fact]
    public async Task SecondChange_WaitsUntilTheFirstEnds_AndInProgressNamesTheRunningOne()
    {
        var queue = new HostChangeQueue();
        var release = new TaskCompletionSource();
        var firstStarted = new TaskCompletionSource();
        var secondStarted = new TaskCompletionSource();
        var order = new List<string>();

        var first = queue.RunAsync("detach of 0000:00:1b.0", async () =>
        {
            lock (order) { order.Add("first started"); }
            firstStarted.SetResult();
            await release.Task;
            lock (order) { order.Add("first ended"); }
            return 1;
        });
        await firstStarted.Task;
        var second = queue.RunAsync("start of vm", () =>
        {
            lock (order) { order.Add("second started"); }
            secondStarted.SetResult();
            return Task.FromResult(2);
        });

        // Had the second not waited, it would have run at once: give it the chance.
        Assert.NotSame(secondStarted.Task, await Task.WhenAny(secondStarted.Task, Task.Delay(TimeSpan.FromMilliseconds(500))));
        Assert.Equal("detach of 0000:00:1b.0", queue.InProgress);
        release.SetResult();

        Assert.Equal((1, 2), (await first, await second));
        Assert.Equal(["first started", "first ended", "second started"], order);
        Assert.Null(queue.InProgress);
    }

    [Fact]
    public async Task WaitCancelled_TheChangeNeverRuns_AndTheQueueGoesOn()
    {
        var queue = new HostChangeQueue();
        var release = new TaskCompletionSource();
        var first = queue.RunAsync("first", async () => { await release.Task; return 0; });
        using var cancel = new CancellationTokenSource();
        var ran = false;

        var waiting = queue.RunAsync("cancelled", () => { ran = true; return Task.FromResult(0); }, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        release.SetResult();
        await first;
        Assert.Equal(3, await queue.RunAsync("after", () => Task.FromResult(3)));
        Assert.False(ran);
    }

    [Fact]
    public async Task ChangeThatThrows_FreesTheQueue()
    {
        var queue = new HostChangeQueue();

        await Assert.ThrowsAsync<InvalidOperationException>(() => queue.RunAsync<int>("broken", () => throw new InvalidOperationException("no")));

        Assert.Null(queue.InProgress);
        Assert.Equal(1, await queue.RunAsync("next", () => Task.FromResult(1)));
    }

    [Fact]
    public async Task TwoProcessesQueues_OnOneLockFile_TakeTurns_AndTheWaitingOneSaysWhatTheOtherDoes()
    {
        // Two queues on one lock file stand for the service and a command line: flock() keeps open files apart, also within a process.
        var lockPath = Scratch.NewPath("passthru-changes") + ".lock";
        var service = new HostChangeQueue(lockPath);
        var commandLine = new HostChangeQueue(lockPath);
        var release = new TaskCompletionSource();
        var held = new TaskCompletionSource();
        var secondStarted = new TaskCompletionSource();
        try
        {
            var first = service.RunAsync("detach of 0000:00:1b.0", async () => { held.SetResult(); await release.Task; return 1; });
            await held.Task;

            Assert.Equal("detach of 0000:00:1b.0, by another Passthru process", commandLine.InProgress);
            var second = commandLine.RunAsync("reattach of 0000:00:1b.0", () => { secondStarted.SetResult(); return Task.FromResult(2); });
            Assert.NotSame(secondStarted.Task, await Task.WhenAny(secondStarted.Task, Task.Delay(TimeSpan.FromMilliseconds(500))));
            release.SetResult();

            Assert.Equal((1, 2), (await first, await second));
            Assert.Null(commandLine.InProgress);
            Assert.Null(service.InProgress);
        }
        finally
        {
            File.Delete(lockPath);
        }
    }
}
