using System.Globalization;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.TestSupport;
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
    private readonly string _host = Scratch.NewPath("passthru-libvirt-host") + ".xml";

    protected LibvirtPageTestContext(params (string Name, bool Managed, string[] Devices)[] guests)
        : this(false, guests)
    {
    }

    protected LibvirtPageTestContext(bool writable, params (string Name, bool Managed, string[] Devices)[] guests)
        : base(writable: writable)
    {
        var fixture = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "fixtures", "libvirt", "host.xml"));
        var domains = guests.Select((guest, i) => new XElement("domain", new XAttribute("type", "test"),
            new XElement("name", guest.Name),
            new XElement("uuid", string.Create(CultureInfo.InvariantCulture, $"22222222-0000-0000-0000-{i + 1:x12}")),
            XElement.Parse("<memory unit='MiB'>512</memory>"),
            XElement.Parse("<os><type arch='x86_64'>hvm</type></os>"),
            XElement.Parse("<devices>" + string.Concat(guest.Devices.Select(d => HostDeviceXml.Create(PciAddress.Parse(d), guest.Managed))) + "</devices>"),
            XElement.Parse("<test:runstate xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>5</test:runstate>")));
        File.WriteAllText(_host, fixture.Replace("<node>", "<node>\n" + string.Concat(domains), StringComparison.Ordinal));
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
