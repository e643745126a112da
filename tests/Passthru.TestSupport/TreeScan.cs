using Passthru.Core.Host;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;

namespace Passthru.TestSupport;

/// <summary>Scans a tree with the names lspci uses (Debian's pci.ids), parsed once per test process.</summary>
public static class TreeScan
{
    public const string SystemPciIds = "/usr/share/misc/pci.ids";

    private static readonly Lazy<PciIds> Ids = new(() => PciIds.Load(SystemPciIds));

    public static PciIds SystemIds => Ids.Value;

    public static HostSnapshot Scan(string treeRoot) => new HostScanner(new HostRoot(treeRoot), Ids.Value, TimeProvider.System).Scan();
}
