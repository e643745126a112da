using Microsoft.Extensions.Options;
using Passthru.Core.History;
using Passthru.Core.Host;
using Passthru.Core.Interrupts;
using Passthru.Web.Configuration;
using Passthru.Web.Model;

namespace Passthru.Web.Live;

/// <summary>
/// Writes what each device raised into the stored interrupt history, every
/// <see cref="PassthruOptions.InterruptHistorySeconds"/> (a minute by default), whether or not
/// anyone watches: charts then cover the hours before the page was opened. One read of
/// <c>/proc/interrupts</c> and one small transaction a minute.
/// </summary>
public sealed partial class InterruptHistoryRecorder(
    HostModel model,
    HostRoot root,
    InterruptHistory history,
    IOptions<PassthruOptions> options,
    TimeProvider timeProvider,
    ILogger<InterruptHistoryRecorder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = options.Value.InterruptHistorySeconds;
        if (seconds == 0)
        {
            return;
        }

        using var sampler = new InterruptSampler(root, timeProvider);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds), timeProvider);
        string? lastProblem = null;
        try
        {
            do
            {
                try
                {
                    var host = await model.ScanAsync(stoppingToken);
                    await history.AppendAsync(InterruptTally.Of(sampler.Sample(host)), stoppingToken);
                    lastProblem = null;
                }
                catch (HistoryUnavailableException ex) when (ex.Message != lastProblem)
                {
                    lastProblem = ex.Message;
                    LogUnavailable(logger, ex.Message);
                }
                catch (HistoryUnavailableException)
                {
                    // said once already; the next minute tries again
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Interrupt history cannot be written: {Problem}")]
    private static partial void LogUnavailable(ILogger logger, string problem);
}
