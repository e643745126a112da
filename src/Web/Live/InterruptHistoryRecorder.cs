using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Passthru.Core.History;
using Passthru.Core.Interrupts;
using Passthru.Web.Configuration;

namespace Passthru.Web.Live;

/// <summary>
/// Keeps the stored interrupt history from the live producer's samples, whether or not anyone watches:
/// charts then cover the hours before the page was opened. Every sample is added up in memory (one a
/// second while someone watches, one a period while nobody does) and the sum is written once per
/// <see cref="PassthruOptions.InterruptHistorySeconds"/> (a minute by default), in one transaction.
/// The writing runs apart from the producer: a slow database never holds up the live view.
/// </summary>
public sealed partial class InterruptHistoryRecorder(
    InterruptHistory history,
    IOptions<PassthruOptions> options,
    ILogger<InterruptHistoryRecorder> logger) : BackgroundService
{
    private readonly Lock _gate = new();
    private readonly Channel<bool> _due = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private InterruptTally _open = new();
    private InterruptTally? _closed;

    /// <summary>How often the history is written; null when it is off.</summary>
    public TimeSpan? Period => options.Value.InterruptHistorySeconds is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : null;

    /// <summary>
    /// Adds a sample; once the samples added span the period, they are handed to the writer. A period
    /// still waiting to be written (the database is slow) takes the next one in, so nothing queues up.
    /// </summary>
    public void Add(InterruptSample sample)
    {
        if (Period is not { } period)
        {
            return;
        }

        lock (_gate)
        {
            _open.Add(sample);
            // A clock adjustment can read the period's last sample a hair early (well under 1 %): it still ends the period.
            if (_open.Span < period * 0.99)
            {
                return;
            }

            if (_closed is null)
            {
                _closed = _open;
            }
            else
            {
                _closed.Add(_open);
            }

            _open = new InterruptTally();
        }

        _due.Writer.TryWrite(true);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Period is null)
        {
            return;
        }

        string? lastProblem = null;
        try
        {
            while (await _due.Reader.WaitToReadAsync(stoppingToken))
            {
                _due.Reader.TryRead(out _);
                try
                {
                    await history.AppendAsync(TakeClosed(), stoppingToken);
                    lastProblem = null;
                }
                catch (HistoryUnavailableException ex) when (ex.Message != lastProblem)
                {
                    lastProblem = ex.Message;
                    LogUnavailable(logger, ex.Message);
                }
                catch (HistoryUnavailableException)
                {
                    // said once already; the next period tries again
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private InterruptTally TakeClosed()
    {
        lock (_gate)
        {
            var closed = _closed ?? new InterruptTally();
            _closed = null;
            return closed;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Interrupt history cannot be written: {Problem}")]
    private static partial void LogUnavailable(ILogger logger, string problem);
}
