using Microsoft.Extensions.Options;
using Passthru.Core.Binding;
using Passthru.Core.Boot;
using Passthru.Core.Boot.CommandLine;
using Passthru.Core.Changes;
using Passthru.Core.Guests;
using Passthru.Core.History;
using Passthru.Core.Host;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.Core.Safety;
using Passthru.Core.Scanning;
using Passthru.Web.Configuration;
using Passthru.Web.Live;
using Passthru.Web.Model;

namespace Passthru.Web.Hosting;

/// <summary>The host-access services, one of each per process, built from the Passthru options.</summary>
public static class HostServices
{
    public static IServiceCollection AddHostServices(this IServiceCollection services)
    {
        services.AddSingleton(sp => new HostRoot(sp.GetRequiredService<IOptions<PassthruOptions>>().Value.HostRoot));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PassthruOptions>>().Value;
            var root = sp.GetRequiredService<HostRoot>();
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Passthru.Scan");
            var pciIdsPath = PciIdsLocator.Find(root, options.PciIdsPath);
            var ids = PciIdsLocator.LoadOrEmpty(pciIdsPath);
            if (ids.VendorCount == 0)
            {
                logger.LogWarning("No pci.ids found (looked under {HostRoot} and /usr/share): devices are shown by IDs only.", root.Path);
            }

            logger.LogInformation("Reading the host under {HostRoot}; names from {PciIds}.", root.Path, pciIdsPath ?? "nowhere");
            return new HostScanner(root, ids, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp => new HistoryDatabase(sp.GetRequiredService<IOptions<PassthruOptions>>().Value.Database));
        services.AddSingleton<OperationJournal>();
        services.AddSingleton<OperationRecovery>();
        services.AddSingleton<DeviceInventory>();
        services.AddSingleton(sp => new SysfsBinder(sp.GetRequiredService<HostRoot>(), SysfsBinder.DefaultStepTimeout));
        services.AddSingleton<ILibvirtClient>(sp => new LibvirtClient(
            sp.GetRequiredService<IOptions<PassthruOptions>>().Value.LibvirtUri, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IGuestUse, LibvirtGuestUsage>();
        // The lock file sits beside the history: the service and the command line share both.
        services.AddSingleton(sp => new HostChangeQueue(sp.GetRequiredService<IOptions<PassthruOptions>>().Value.Database + ".changes.lock"));
        // Boot files (claims, the kernel command line) are written under the configuration root: the host root unless set apart.
        services.AddSingleton(sp => new ConfigFiles(new HostRoot(sp.GetRequiredService<IOptions<PassthruOptions>>().Value.BootConfigRoot)));
        services.AddSingleton(sp => new CommandLineApplier(sp.GetRequiredService<HostRoot>(), sp.GetRequiredService<ConfigFiles>().Root, sp.GetRequiredService<OperationJournal>(),
            sp.GetRequiredService<HostChangeQueue>(), new ToolRunner(ToolRunner.DefaultTimeout), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<GuestService>();
        services.AddSingleton<GuestPower>();
        services.AddSingleton<BindingService>();
        services.AddSingleton(new InitramfsRegenerator(InitramfsRegenerator.DefaultTimeout));
        services.AddSingleton<BootClaimService>();
        services.AddSingleton<BootCheckRecorder>();
        services.AddSingleton<HostModel>();
        // In this order: the history's migrations (JournalRecovery opens it), then the first scan; the host is ready after both.
        services.AddHostedService<JournalRecovery>();
        services.AddHostedService<FirstScan>();
        services.AddHostedService<BootClaimStartupCheck>();
        services.AddSingleton(sp => new InterruptHistory(
            sp.GetRequiredService<HistoryDatabase>(),
            TimeSpan.FromHours(sp.GetRequiredService<IOptions<PassthruOptions>>().Value.InterruptHistoryRetentionHours)));
        services.AddSingleton(HistoryBudgetKeeper.Create);
        services.AddHostedService<HistoryBudgetKeeper>();
        services.AddSingleton<InterruptHistoryRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<InterruptHistoryRecorder>());
        services.AddSingleton<IInterruptSamplerFactory, InterruptSamplerFactory>();
        services.AddSingleton<DeviceEvents>();
        services.AddSingleton<GuestWatcher>();
        services.AddSingleton<LiveHost>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveHost>());
        return services;
    }
}
