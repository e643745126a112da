using Microsoft.Extensions.Options;
using Passthru.Core.History;
using Passthru.Web.Configuration;

namespace Passthru.Web.Hosting;

/// <summary>
/// Holds the history database to <see cref="HistoryOptions.MaxSizeMb"/>: a pass at start and then every
/// <see cref="Period"/>, apart from any request. A pass within the budget reads three pragmas, nothing more.
/// </summary>
public sealed partial class HistoryBudgetKeeper(HistoryBudget budget, TimeProvider timeProvider, ILogger<HistoryBudgetKeeper> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(5);

    /// <summary>The budget from the options, in bytes.</summary>
    public static HistoryBudget Create(IServiceProvider services)
        => new(services.GetRequiredService<HistoryDatabase>(), services.GetRequiredService<OperationJournal>(),
            services.GetRequiredService<IOptions<PassthruOptions>>().Value.History.MaxSizeMb * 1024L * 1024L);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, timeProvider);
        do
        {
            await PassAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal async Task PassAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await budget.EnforceAsync(cancellationToken) is { } pruning)
            {
                LogPruned(budget.Describe(pruning));
            }
        }
        catch (HistoryUnavailableException ex)
        {
            // JournalRecovery and the pages say so too; the next pass tries again.
            LogUnavailable(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Pruning}")]
    private partial void LogPruned(string pruning);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The history's size cannot be checked: {Problem}")]
    private partial void LogUnavailable(string problem);
}
