namespace Passthru.TestSupport;

/// <summary>
/// A tiny TCG guest defined on a real libvirtd for one test class, with a unique name; undefined
/// (destroyed first if it runs) on dispose. No disk: it only ever sits in its firmware. ACPI on, so
/// that qemu's PCI bus takes hot-plugged devices (the DEVICE_ADDED test).
/// </summary>
public sealed class TinyGuest : IAsyncDisposable
{
    private readonly string _uri;

    private TinyGuest(string uri, string name)
    {
        _uri = uri;
        Name = name;
    }

    public string Name { get; }

    public static async Task<TinyGuest> DefineAsync(string uri)
    {
        var name = $"passthru-test-{Guid.NewGuid():N}"[..26];
        var file = Scratch.NewPath("passthru-tiny-guest") + ".xml";
        await File.WriteAllTextAsync(file, $"""
            <domain type='qemu'>
              <name>{name}</name>
              <memory unit='MiB'>64</memory>
              <vcpu>1</vcpu>
              <os><type arch='x86_64' machine='pc'>hvm</type></os>
              <features><acpi/></features>
              <on_crash>destroy</on_crash>
              <devices><memballoon model='none'/></devices>
            </domain>
            """);
        try
        {
            await Virsh.RunAsync(uri, "define", file);
        }
        finally
        {
            File.Delete(file);
        }

        return new TinyGuest(uri, name);
    }

    public Task<string> InactiveXmlAsync() => Virsh.RunAsync(_uri, "dumpxml", "--inactive", Name);

    /// <summary>Turns the guest off if it runs (virsh destroy), so the next test finds it shut off.</summary>
    public async Task StopAsync()
    {
        if ((await Virsh.RunAsync(_uri, "domstate", Name)).Trim() != "shut off")
        {
            await Virsh.RunAsync(_uri, "destroy", Name);
        }
    }

    /// <summary>Hot-plugs a device given as XML into the running guest with virsh (another process than the test's).</summary>
    public async Task AttachLiveWithVirshAsync(string deviceXml)
    {
        var file = Scratch.NewPath("passthru-device") + ".xml";
        await File.WriteAllTextAsync(file, deviceXml);
        try
        {
            await Virsh.RunAsync(_uri, "attach-device", Name, file, "--live");
        }
        finally
        {
            File.Delete(file);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Virsh.RunAsync(_uri, "destroy", Name);
        }
        catch (InvalidOperationException)
        {
            // Not running: the usual case.
        }

        await Virsh.RunAsync(_uri, "undefine", Name);
    }
}
