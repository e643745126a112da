using Passthru.Core.History;
using Passthru.Core.Host;

namespace Passthru.Web.Hosting;

/// <summary>
/// At start: operations the journal shows unfinished were cut off by a crash or kill. Compares
/// them with the devices' real state and records what was found. A database that cannot be
/// opened is logged; the dashboard still starts (and binding refuses until it can journal).
/// </summary>
public sealed class JournalRecovery(OperationRecovery recovery, ILogger<JournalRecovery> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var operation in await recovery.RecoverAsync(cancellationToken))
            {
                logger.LogWarning("Operation {Id} ({Action} {Target}) was cut off by a stop; its devices were checked and it is recorded as interrupted.",
                    operation.Id, operation.Action, PrintableText.Of(operation.Target, OperationJournal.MaxNameLength));
            }
        }
        catch (HistoryUnavailableException ex)
        {
            logger.LogError("History unavailable at start: {Problem} Detach and reattach are refused until it can be written.", ex.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
