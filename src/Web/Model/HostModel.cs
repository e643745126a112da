using Passthru.Core.History;
using Passthru.Core.Libvirt;
using Passthru.Core.Safety;
using Passthru.Core.Scanning;

namespace Passthru.Web.Model;

/// <summary>
/// The host as the dashboard sees it. A warm scan takes about a millisecond (see benchmarks), so
/// each page and API call scans afresh and never shows stale drivers. Each scan also feeds the
/// device inventory, which notices a different card at a known address; a history database that
/// cannot be written is reported, never fatal to the view.
/// </summary>
public sealed class HostModel(HostScanner scanner, DeviceInventory inventory, ILogger<HostModel> logger)
{
    public string HostRoot => scanner.Root.Path;

    /// <summary>Addresses whose card differs from what was first seen there.</summary>
    public IReadOnlyList<ChangedDevice> ChangedDevices { get; private set; } = [];

    /// <summary>Why the history database cannot be used, or null when it can.</summary>
    public string? HistoryProblem { get; private set; }

    public HostSnapshot Scan() => scanner.Scan();

    /// <summary>What the host uses through its devices now (mounts, routes, the console), read off the caller's thread: the pages mark what it needs.</summary>
    public Task<HostUsage> ReadUsageAsync(GuestsSnapshot? guests, CancellationToken cancellationToken = default)
        => Task.Run(() => HostUsage.Read(scanner.Root, guests?.BridgeUsers()), cancellationToken);

    /// <summary>Scans on the thread pool: a sysfs read can stall on a misbehaving device, and a page or request must not freeze with it.</summary>
    public async Task<HostSnapshot> ScanAsync(CancellationToken cancellationToken = default)
    {
        var host = await Task.Run(scanner.Scan, cancellationToken);
        try
        {
            ChangedDevices = await inventory.RecordAsync(host.Devices, cancellationToken);
            HistoryProblem = null;
        }
        catch (HistoryUnavailableException ex)
        {
            if (HistoryProblem != ex.Message)
            {
                logger.LogError("History unavailable: {Problem}", ex.Message);
            }

            HistoryProblem = ex.Message;
        }

        return host;
    }
}
