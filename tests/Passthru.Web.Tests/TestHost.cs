using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Passthru.TestSupport;
using Passthru.Web.Auth;
using Passthru.Web.Components;
using Passthru.Web.Configuration;
using Passthru.Web.Hosting;

namespace Passthru.Web.Tests;

/// <summary>The dashboard's host services over a captured real-kernel tree, with the names lspci uses and a scratch database.</summary>
internal static class TestHost
{
    public const string PciIds = TreeScan.SystemPciIds;

    /// <summary>Registers the app's own host services, configured for <paramref name="treeRoot"/>.</summary>
    public static IServiceCollection AddTestHost(this IServiceCollection services, string treeRoot, string databasePath)
    {
        services.Configure<PassthruOptions>(options =>
        {
            options.HostRoot = treeRoot;
            options.PciIdsPath = PciIds;
            options.Database = databasePath;
            options.LibvirtUri = LibvirtTestHost.UnreachableUri; // page tests: libvirt as on a host where libvirtd is not running
        });
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddScoped<CircuitOrigin>();
        services.AddScoped<LiveUpdatesStatus>();
        return services.AddHostServices();
    }
}
