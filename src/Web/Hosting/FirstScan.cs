using Passthru.Web.Model;

namespace Passthru.Web.Hosting;

/// <summary>
/// The host's first scan, done while the dashboard starts (after the history's migrations, in
/// <see cref="JournalRecovery"/>): the host reports ready only afterwards (under systemd, through
/// Type=notify), so nothing that waits for the service meets an empty dashboard.
/// </summary>
public sealed partial class FirstScan(HostModel model, ILogger<FirstScan> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var host = await model.ScanAsync(cancellationToken);
        LogScanned(logger, host.Devices.Count, host.Groups.Count, model.HostRoot);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "First scan: {Devices} PCI functions in {Groups} IOMMU groups under {Root}.")]
    private static partial void LogScanned(ILogger logger, int devices, int groups, string root);
}
