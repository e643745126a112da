using Passthru.Core.Boot;
using Passthru.Core.History;
using Passthru.Web.Model;

namespace Passthru.Web.Hosting;

/// <summary>
/// At start, after the first scan: compares the claims at boot with what the kernel did, logs each one that is not as
/// intended, and writes the findings to the history once per boot. A damaged claims record or an unavailable history is
/// logged and does not stop the dashboard: the Host page says the same.
/// </summary>
public sealed partial class BootClaimStartupCheck(HostModel model, BootClaimService claims, BootCheckRecorder recorder, ILogger<BootClaimStartupCheck> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var statuses = claims.Inspect(model.Scan());
            foreach (var status in statuses.Where(s => !s.IsAsIntended))
            {
                LogNotAsIntended(logger, status.Address.ToString(), status.Message);
            }

            await recorder.RecordOnceAsync(statuses, cancellationToken);
        }
        catch (Exception ex) when (ex is ClaimManifestException or HistoryUnavailableException or IOException)
        {
            LogCheckFailed(logger, ex.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Claim at boot of {Address}: {Message}")]
    private static partial void LogNotAsIntended(ILogger logger, string address, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "The claims at boot could not be checked: {Reason}")]
    private static partial void LogCheckFailed(ILogger logger, string reason);
}
