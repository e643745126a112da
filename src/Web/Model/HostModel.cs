using Microsoft.Extensions.Options;
using Passthru.Core.Host;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;
using Passthru.Web.Configuration;

namespace Passthru.Web.Model;

/// <summary>
/// The host as the dashboard sees it. A scan is cheap (a few ms: see benchmarks), so each page
/// and API call scans afresh and never shows stale drivers; pci.ids is parsed once, on first use.
/// </summary>
public sealed class HostModel
{
    private readonly HostScanner _scanner;

    public HostModel(IOptions<PassthruOptions> options, TimeProvider timeProvider, ILogger<HostModel> logger)
    {
        var root = new HostRoot(options.Value.HostRoot);
        var pciIdsPath = PciIdsLocator.Find(root, options.Value.PciIdsPath);
        var ids = PciIdsLocator.LoadOrEmpty(pciIdsPath);
        if (ids.VendorCount == 0)
        {
            logger.LogWarning("No pci.ids found (looked under {HostRoot} and /usr/share): devices are shown by IDs only.", root.Path);
        }

        logger.LogInformation("Reading the host under {HostRoot}; names from {PciIds}.", root.Path, pciIdsPath ?? "nowhere");
        _scanner = new HostScanner(root, ids, timeProvider);
    }

    public string HostRoot => _scanner.Root.Path;

    public HostSnapshot Scan() => _scanner.Scan();

    /// <summary>Scans on the thread pool: a sysfs read can stall on a misbehaving device, and a page or request must not freeze with it.</summary>
    public Task<HostSnapshot> ScanAsync(CancellationToken cancellationToken = default) => Task.Run(_scanner.Scan, cancellationToken);
}
