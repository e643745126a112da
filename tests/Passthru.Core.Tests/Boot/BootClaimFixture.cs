using Passthru.Core.Boot;
using Passthru.Core.Changes;
using Passthru.Core.Host;
using Passthru.Core.Tests.Binding;

namespace Passthru.Core.Tests.Boot;

/// <summary>
/// Claims at boot on a FIXTURE ROOT (a copy of the intel-initial capture, whose group 12 is 04:00.0, 04:00.1 and the sound
/// card at 04:00.6). The configuration root is the tree itself, as it is the host root by default, so nothing is written
/// to this machine's /etc.
/// </summary>
public abstract class BootClaimFixture : FixtureRootTests
{
    protected const int SharedGroup = 12;

    protected string ConfigRoot => Tree;

    protected ConfigFiles Files => field ??= new ConfigFiles(new HostRoot(ConfigRoot));

    protected BootClaimService CreateClaims()
    {
        var (binding, journal) = CreateBinding();
        return new BootClaimService(Scanner, binding, journal, new HostChangeQueue(), Files, new InitramfsRegenerator(TimeSpan.FromMinutes(1)), TimeProvider.System);
    }

    protected string ConfigPath(string relative) => Path.Combine(ConfigRoot, relative);

    /// <summary>Every file Passthru's claims could write, that exists now, sorted.</summary>
    protected string[] WrittenFiles()
        => new[] { "etc/udev/rules.d", "etc/modules-load.d", "etc/modprobe.d", "etc/passthru", "etc/initramfs-tools/hooks", "etc/dracut.conf.d" }
            .Select(ConfigPath).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d)).Select(f => Path.GetRelativePath(ConfigRoot, f)).Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// A scan by a new scanner: one scanner remembers a device by its directory (a real kernel makes a new one for a new
    /// card), and <see cref="PutCardAt"/> changes the files in place.
    /// </summary>
    protected Passthru.Core.Scanning.HostSnapshot FreshScan()
        => new Passthru.Core.Scanning.HostScanner(new HostRoot(Tree), Passthru.TestSupport.TreeScan.SystemIds, TimeProvider.System).Scan();

    /// <summary>Puts another card at an address of the fixture tree, as a reboot after a hardware change would show it.</summary>
    protected void PutCardAt(string address, string vendor, string device)
    {
        var directory = Path.Combine(Tree, "sys/bus/pci/devices", address);
        File.WriteAllText(Path.Combine(directory, "vendor"), vendor + "\n");
        File.WriteAllText(Path.Combine(directory, "device"), device + "\n");
    }
}
