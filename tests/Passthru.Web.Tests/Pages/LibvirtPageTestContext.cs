using Microsoft.Extensions.DependencyInjection;
using Passthru.Web.Configuration;
using Passthru.Web.Live;

namespace Passthru.Web.Tests.Pages;

/// <summary>
/// Pages that follow libvirt, against libvirt's real test driver: the host of tests/fixtures/libvirt/host.xml
/// (vm-running has the captured tree's 04:00.6 live, vm-off holds 05:00.0 unmanaged) plus the guests a test
/// class adds, stopped, with the host functions it names. The live host runs as in the app: pages get their
/// guests from it.
/// </summary>
public abstract class LibvirtPageTestContext : PageTestContext
{
    private readonly string _host;

    protected LibvirtPageTestContext(params (string Name, bool Managed, string[] Devices)[] guests)
        : this(false, guests)
    {
    }

    protected LibvirtPageTestContext(bool writable, params (string Name, bool Managed, string[] Devices)[] guests)
        : base(writable: writable)
    {
        _host = LibvirtHostWithGuests.Write(guests);
        Services.Configure<PassthruOptions>(options => options.LibvirtUri = "test://" + _host);
    }

    /// <summary>The live host, as the app starts it.</summary>
    public override Task InitializeAsync() => Services.GetRequiredService<LiveHost>().StartAsync(CancellationToken.None);

    protected override async Task BeforeDisposeAsync()
    {
        await Services.GetRequiredService<LiveHost>().StopAsync(CancellationToken.None);
        File.Delete(_host);
    }
}
