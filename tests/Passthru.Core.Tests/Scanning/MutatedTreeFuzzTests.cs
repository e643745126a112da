using System.Globalization;
using System.Text;
using Passthru.Core.Advice;
using Passthru.Core.Host;
using Passthru.Core.Interrupts;
using Passthru.Core.Safety;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Scanning;

/// <summary>
/// A captured real-kernel tree whose attribute files are damaged, a few at a time: what a bug report's
/// tree, another kernel's attribute format or a file caught mid-write can hold. The scan and what is
/// built on it (the assessment, the host's losses, the interrupt owners) must go on, with warnings.
/// </summary>
public sealed class MutatedTreeFuzzTests : IDisposable
{
    private static readonly string[] DeviceAttributes =
        ["vendor", "device", "subsystem_vendor", "subsystem_device", "class", "revision", "config", "numa_node", "irq", "boot_vga",
         "driver_override", "reset_method", "sriov_totalvfs", "sriov_numvfs"];

    private static readonly string[] HostFiles =
        ["proc/cmdline", "proc/cpuinfo", "proc/interrupts", "proc/mounts", "proc/swaps", "proc/net/if_inet6", "proc/net/fib_trie",
         "proc/bus/input/devices", "usr/lib/os-release", "sys/kernel/iommu_groups/12/type"];

    private readonly string _tree = CapturedTrees.Copy("intel-initial");

    [Fact]
    public async Task Scan_TreeWithMutatedAttributes_NeverThrowsAndReadsIdsOnlyWhenTheyAreWhole()
    {
        var files = DeviceFiles().Concat(HostFiles.Select(f => Path.Combine(_tree, f))).Where(File.Exists).ToArray();
        var originals = files.ToDictionary(f => f, File.ReadAllBytes);
        var deviceCount = TreeScan.Scan(_tree).Devices.Count;
        await Fuzz.RunAsync(seed: 3, iterations: 40, random => Enumerable.Range(0, random.Next(1, 8))
            .Select(_ => files[random.Next(files.Length)])
            .Distinct()
            .ToDictionary(f => f, f => Mutations.Mutate(originals[f], random)), changes =>
        {
            try
            {
                foreach (var (file, content) in changes)
                {
                    File.WriteAllBytes(file, content);
                }

                var host = TreeScan.Scan(_tree);
                var root = new HostRoot(_tree);
                var usage = HostUsage.Read(root);
                Assert.Equal(deviceCount, host.Devices.Count); // devices are their directories: a damaged attribute loses none
                foreach (var device in host.Devices)
                {
                    Assert.Equal(ExpectedId(device.SysfsPath, "vendor"), device.VendorId);
                    Assert.Equal(ExpectedId(device.SysfsPath, "device"), device.DeviceId);
                    _ = PassthroughAdvisor.Assess(host, device);
                    _ = usage.LossesThrough(device);
                }

                _ = InterruptOwners.Read(root, host);
            }
            finally
            {
                foreach (var file in changes.Keys)
                {
                    File.WriteAllBytes(file, originals[file]);
                }
            }
        });
    }

    public void Dispose() => Directory.Delete(_tree, recursive: true);

    /// <summary>An ID as the kernel prints it (<c>0x8086</c>, a newline), read independently: 16 bits, or nothing.</summary>
    private ushort? ExpectedId(string sysfsPath, string attribute)
    {
        var text = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(_tree, sysfsPath, attribute))).TrimEnd('\n', '\0', ' ');
        var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return digits.Length > 0 && digits.All(char.IsAsciiHexDigit)
            && ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value) && value <= 0xffff
            ? (ushort)value : null;
    }

    private IEnumerable<string> DeviceFiles()
    {
        var devices = Path.Combine(_tree, "sys", "bus", "pci", "devices");
        return Directory.GetFileSystemEntries(devices).Order(StringComparer.Ordinal)
            .SelectMany(link => DeviceAttributes.Select(a => Path.Combine(Path.GetFullPath(Path.Combine(devices, new FileInfo(link).LinkTarget!)), a)));
    }
}
