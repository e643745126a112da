using System.Xml.Linq;

namespace Passthru.TestSupport;

/// <summary>
/// Real inputs the fuzz tests start from: files captured from real kernels (the trees in
/// tests/fixtures/captured, tests/fixtures/interrupts), the libvirt XML in tests/fixtures/libvirt,
/// and this machine's pci.ids.
/// </summary>
public static class FuzzSeeds
{
    private const string Tree = "intel-initial";

    private static readonly Lazy<byte[][]> LazyProcInterrupts = new(() =>
        CapturedTrees.Names.Select(n => Path.Combine(CapturedTrees.Path(n), "proc", "interrupts"))
            .Concat(Directory.GetFiles(RepositoryPaths.InterruptFixtures, "*interrupts*", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray());

    private static readonly Lazy<(string, byte[])[]> LazyPciAttributes = new(() =>
    {
        string[] names = ["vendor", "device", "subsystem_vendor", "subsystem_device", "class", "revision", "numa_node", "irq", "boot_vga",
            "driver_override", "reset_method", "sriov_totalvfs", "sriov_numvfs", "resource", "enable", "local_cpulist"];
        return PciDeviceDirectories().SelectMany(device => names.Select(name => (name, Path.Combine(device, name))))
            .Where(a => File.Exists(a.Item2))
            .Select(a => (a.name, File.ReadAllBytes(a.Item2)))
            .ToArray();
    });

    private static readonly Lazy<byte[][]> LazyConfigSpaces = new(() =>
        PciDeviceDirectories().Select(d => File.ReadAllBytes(Path.Combine(d, "config"))).ToArray());

    private static readonly Lazy<XElement[]> LazyLibvirtElements = new(() =>
        Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "tests", "fixtures", "libvirt"), "*.xml").Order(StringComparer.Ordinal)
            .Select(f => XElement.Load(f))
            .SelectMany(root => root.Name == "node" ? root.Elements() : [root])
            .ToArray());

    private static readonly Lazy<byte[]> LazyPciIds = new(() => File.ReadAllBytes(TreeScan.SystemPciIds));

    /// <summary>Every captured <c>/proc/interrupts</c>: the trees', the L1 guest's samples and this machine's.</summary>
    public static IReadOnlyList<byte[]> ProcInterrupts => LazyProcInterrupts.Value;

    /// <summary>A file of every captured tree (a path under the tree's root like <c>proc/cmdline</c>), one per tree that has it.</summary>
    public static IReadOnlyList<byte[]> FromTrees(string relativePath)
        => CapturedTrees.Names.Select(n => Path.Combine(CapturedTrees.Path(n), relativePath)).Where(File.Exists).Select(File.ReadAllBytes).ToArray();

    /// <summary>
    /// The text attributes of every PCI function of a captured tree with their names (<c>vendor</c>,
    /// <c>class</c>, <c>numa_node</c>, <c>driver_override</c>, <c>resource</c>, ...).
    /// </summary>
    public static IReadOnlyList<(string Name, byte[] Content)> PciAttributes => LazyPciAttributes.Value;

    /// <summary>The <c>config</c> files (PCI config space: 4096 bytes for PCIe, 256 for conventional PCI) of every function of a captured tree.</summary>
    public static IReadOnlyList<byte[]> ConfigSpaces => LazyConfigSpaces.Value;

    /// <summary>Domain XML: each <c>&lt;domain&gt;</c> of tests/fixtures/libvirt (the test driver's guests, a qemu definition).</summary>
    public static IReadOnlyList<string> DomainXml => LazyLibvirtElements.Value.Where(e => e.Name == "domain").Select(e => e.ToString()).ToArray();

    /// <summary>Node device XML: each <c>&lt;device&gt;</c> of the test driver's host.</summary>
    public static IReadOnlyList<string> NodeDeviceXml => LazyLibvirtElements.Value.Where(e => e.Name == "device").Select(e => e.ToString()).ToArray();

    /// <summary>This machine's pci.ids (Debian's package), the file lspci reads: about 1.3 MB.</summary>
    public static byte[] PciIds => LazyPciIds.Value;

    private static IEnumerable<string> PciDeviceDirectories()
        => Directory.GetFileSystemEntries(Path.Combine(CapturedTrees.Path(Tree), "sys", "bus", "pci", "devices")).Order(StringComparer.Ordinal);
}
