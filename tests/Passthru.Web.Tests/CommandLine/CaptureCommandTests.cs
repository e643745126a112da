using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Passthru.Core.Capture;
using Passthru.Core.Host;
using Passthru.Core.Interrupts;
using Passthru.Core.Safety;
using Passthru.TestSupport;
using Passthru.Web.CommandLine;

namespace Passthru.Web.Tests.CommandLine;

/// <summary>
/// <c>capture</c> of the trees captured from a real kernel, used as host roots: the archive must scan
/// and check exactly like the tree it came from, keep links as links, and hold nothing it should not.
/// </summary>
public sealed class CaptureCommandTests : IDisposable
{
    private readonly string _scratch = Scratch.NewPath("passthru-capture-test");

    public CaptureCommandTests() => Directory.CreateDirectory(_scratch);

    public static TheoryDataRows Trees => CapturedTrees.All;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Theory]
    [MemberData(nameof(Trees))]
    public async Task Capture_CapturedTree_UnpacksToTheSameScanAndChecks(string name)
    {
        var tree = CapturedTrees.Path(name);
        var archive = await CaptureAsync(tree);
        var unpacked = Path.Combine(_scratch, "unpacked");
        CapturedTrees.ExtractArchive(archive, unpacked);

        foreach (var command in new[] { "scan", "check" })
        {
            var original = await Cli.OnTreeAsync(tree, command, "--json");
            var fromArchive = await Cli.OnTreeAsync(unpacked, command, "--json");
            var archiveAsRoot = await Cli.OnTreeAsync(archive, command, "--json");

            Assert.Equal(original.ExitCode, fromArchive.ExitCode);
            Assert.Equal(original.Output, fromArchive.Output);
            Assert.Equal(original.Output, archiveAsRoot.Output);
        }

        // What the Interrupts page maps rows with (irq, msi_irqs/), which no command prints.
        Assert.Equal(Owners(tree), Owners(unpacked));
    }

    private static string[] Owners(string tree)
        => InterruptOwners.Read(new HostRoot(tree), TreeScan.Scan(tree))
            .Select(o => $"{o.Address} irq={o.Irq} msi={string.Join(",", o.MsiIrqs.Order())} handlers={string.Join(",", o.HandlerNames)}").ToArray();

    [Fact]
    public async Task Capture_KeepsEverySymlinkAsTheSameRelativeLink()
    {
        var tree = CapturedTrees.Path("intel-vfio-group");

        var entries = Read(await CaptureAsync(tree));

        var links = entries.Where(e => e.Value.EntryType == TarEntryType.SymbolicLink).ToArray();
        Assert.Contains(links, l => l.Key == "sys/bus/pci/devices/0000:00:1b.0");
        Assert.Contains(links, l => l.Key == "etc/os-release");
        Assert.Contains(links, l => l.Key.EndsWith("/0000:04:00.6/driver", StringComparison.Ordinal));
        Assert.Contains(links, l => l.Key.StartsWith("sys/kernel/iommu_groups/12/devices/", StringComparison.Ordinal));
        Assert.All(links, l =>
        {
            Assert.Equal(new FileInfo(Path.Combine(tree, l.Key)).LinkTarget, l.Value.LinkName);
            Assert.False(Path.IsPathRooted(l.Value.LinkName), l.Key);
        });
        Assert.Equal(File.ReadAllBytes(Path.Combine(tree, "sys/devices/pci0000:00/0000:00:02.2/0000:04:00.6/config")),
            entries["sys/devices/pci0000:00/0000:00:02.2/0000:04:00.6/config"].Content);
    }

    [Fact]
    public async Task Capture_FileWhoseReadFails_IsLeftOutAndListedInTheManifest()
    {
        // SYNTHETIC: sysfs answers some reads with EIO or EOPNOTSUPP, which no file here can do even for root;
        // a directory where the attribute should be fails the same way (read gives EISDIR).
        var tree = CapturedTrees.Copy("intel-initial");
        try
        {
            const string numaNode = "sys/devices/pci0000:00/0000:00:1b.0/numa_node";
            File.Delete(Path.Combine(tree, numaNode));
            Directory.CreateDirectory(Path.Combine(tree, numaNode));
            var archive = Path.Combine(_scratch, "failing.tar.gz");

            var result = await Cli.OnTreeAsync(tree, "capture", archive);

            Assert.Equal(0, result.ExitCode);
            Assert.Contains($"1 path(s) could not be read and are listed in {CaptureManifest.FileName}", result.Error, StringComparison.Ordinal);
            var entries = Read(archive);
            Assert.DoesNotContain(numaNode, entries.Keys);
            var skipped = Manifest(entries).GetProperty("skipped").EnumerateArray().Single();
            Assert.Equal(numaNode, skipped.GetProperty("path").GetString());
            Assert.Equal("Is a directory", skipped.GetProperty("reason").GetString());
            Assert.Contains("sys/devices/pci0000:00/0000:00:1b.0/vendor", entries.Keys);
        }
        finally
        {
            Directory.Delete(tree, recursive: true);
        }
    }

    [Fact]
    public async Task Capture_HoldsNothingOutsideWhatPassthruReads()
    {
        // SYNTHETIC additions to a real tree: what a real host has beside sysfs and must never leave it.
        var tree = CapturedTrees.Copy("intel-initial");
        try
        {
            Directory.CreateDirectory(Path.Combine(tree, "etc/pve/priv"));
            File.WriteAllText(Path.Combine(tree, "etc/pve/priv/authkey.key"), "secret");
            File.WriteAllText(Path.Combine(tree, "etc/shadow"), "root:secret");
            Directory.CreateDirectory(Path.Combine(tree, "proc/1"));
            File.WriteAllText(Path.Combine(tree, "proc/1/environ"), "TOKEN=secret");
            File.AppendAllText(Path.Combine(tree, "proc/mounts"), "//nas/share /mnt/share cifs rw,username=alice 0 0\n");
            File.WriteAllText(Path.Combine(tree, "dev/vfio/12"), "never read");

            var entries = Read(await CaptureAsync(tree));

            Assert.DoesNotContain(entries.Keys, k => k.StartsWith("etc/pve/", StringComparison.Ordinal) || k is "etc/shadow" || k.StartsWith("proc/1", StringComparison.Ordinal));
            Assert.Equal(TarEntryType.Directory, entries["etc/pve"].EntryType);
            Assert.DoesNotContain(entries.Values, e => e.Content is { } c && System.Text.Encoding.UTF8.GetString(c).Contains("secret", StringComparison.Ordinal));
            Assert.DoesNotContain("alice", System.Text.Encoding.UTF8.GetString(entries["proc/mounts"].Content!), StringComparison.Ordinal);
            Assert.Contains("/dev/vda1 /var/lib/libvirt/images", System.Text.Encoding.UTF8.GetString(entries["proc/mounts"].Content!), StringComparison.Ordinal);
            Assert.Empty(entries["dev/vfio/12"].Content!);
            // The files whose read acts on the device, present in the tree as placeholders, are not even opened.
            Assert.DoesNotContain(entries.Keys.Where(k => k.StartsWith("sys/bus/pci", StringComparison.Ordinal) || k.StartsWith("sys/devices/pci", StringComparison.Ordinal)),
                k => Path.GetFileName(k) is "rom" or "vpd" or "reset" or "remove" or "rescan" or "bind" or "unbind" or "new_id" or "drivers_probe"
                    || (Path.GetFileName(k).StartsWith("resource", StringComparison.Ordinal) && Path.GetFileName(k) != "resource"));
            Assert.Contains("sys/devices/pci0000:00/0000:00:02.2/0000:04:00.0/resource", entries.Keys);
        }
        finally
        {
            Directory.Delete(tree, recursive: true);
        }
    }

    [Fact]
    public async Task Capture_ProcLinksIntoSelf_AreStoredAsTheFilesPassthruReadsWithoutThePid()
    {
        // procfs' own layout, which the fixtures flatten: /proc/mounts -> self/mounts, /proc/net -> self/net, /proc/self -> PID.
        var tree = CapturedTrees.Copy("intel-initial");
        try
        {
            var proc = Path.Combine(tree, "proc");
            Directory.CreateDirectory(Path.Combine(proc, "4242"));
            File.Move(Path.Combine(proc, "mounts"), Path.Combine(proc, "4242/mounts"));
            Directory.Move(Path.Combine(proc, "net"), Path.Combine(proc, "4242/net"));
            File.CreateSymbolicLink(Path.Combine(proc, "self"), "4242");
            File.CreateSymbolicLink(Path.Combine(proc, "mounts"), "self/mounts");
            File.CreateSymbolicLink(Path.Combine(proc, "net"), "self/net");
            File.WriteAllText(Path.Combine(proc, "4242/mountinfo"), "29 1 254:1 / /var/lib/libvirt/images rw,relatime - ext4 /dev/vda1 rw\n");

            var entries = Read(await CaptureAsync(tree));

            Assert.Equal(TarEntryType.RegularFile, entries["proc/mounts"].EntryType);
            Assert.Contains("/dev/vda1 /var/lib/libvirt/images", System.Text.Encoding.UTF8.GetString(entries["proc/mounts"].Content!), StringComparison.Ordinal);
            Assert.Equal(TarEntryType.Directory, entries["proc/net"].EntryType);
            Assert.Equal(File.ReadAllBytes(Path.Combine(proc, "4242/net/if_inet6")), entries["proc/net/if_inet6"].Content);
            // mountinfo has no name outside /proc/self: it is stored there, self a directory rather than a link to the PID.
            Assert.Equal(TarEntryType.Directory, entries["proc/self"].EntryType);
            Assert.Equal(File.ReadAllBytes(Path.Combine(proc, "4242/mountinfo")), entries["proc/self/mountinfo"].Content);
            Assert.DoesNotContain(entries.Keys, k => k.StartsWith("proc/4242", StringComparison.Ordinal)
                || (k.StartsWith("proc/self", StringComparison.Ordinal) && k is not ("proc/self" or "proc/self/mountinfo")));
        }
        finally
        {
            Directory.Delete(tree, recursive: true);
        }
    }

    [Fact]
    public async Task Capture_HostWithStackedDisksAndNics_KeepsWhatTheHostUseRulesReadAndOnlyThat()
    {
        // SYNTHETIC layouts on a real tree (see HostLayouts): eth1 a port of bridge vmbr0, LVM (dm-0) on vda1 mounted
        // as /dev/pve/root, vda2 a member of ZFS pool rpool, a two-loop btrfs, a network share, udev's other properties.
        var tree = CapturedTrees.Copy("intel-initial");
        try
        {
            HostLayouts.VirtualNetDevice(tree, "vmbr0", "bridge", ifIndex: 6);
            HostLayouts.Enslave(tree, "eth1", "vmbr0");
            HostLayouts.Routes(tree, ("vmbr0", "0.0.0.0/0", "192.168.1.1"), ("vmbr0", "192.168.1.0/24", null));
            HostLayouts.LocalAddresses(tree, "192.168.1.10");
            HostLayouts.DevBlockLinks(tree);
            HostLayouts.VirtualBlockDevice(tree, "dm-0", "253:0", "pve-root", "vda1");
            HostLayouts.UdevFilesystem(tree, "vda2", "zfs_member", "rpool", "15467925713640392231");
            HostLayouts.LoopDevice(tree, "loop0", "7:0");
            HostLayouts.LoopDevice(tree, "loop1", "7:1");
            HostLayouts.BtrfsFilesystem(tree, "4f1c2b7e-0d6a-4c1e-9b55-7f8e2a6c3d10", "loop0", "loop1");
            HostLayouts.Mounts(tree, "/dev/pve/root / ext4 rw 0 0", "rpool /rpool zfs rw 0 0", "/dev/loop0 /srv btrfs rw 0 0");
            HostLayouts.Swaps(tree);
            HostLayouts.MountInfo(tree,
                "25 1 253:0 / / rw,relatime shared:1 - ext4 /dev/pve/root rw",
                "26 25 0:26 / /rpool rw,noatime shared:2 - zfs rpool rw,xattr",
                "27 25 0:33 / /srv rw,relatime shared:3 - btrfs /dev/loop0 rw,space_cache=v2",
                "28 25 0:40 / /mnt/share rw,relatime shared:4 - cifs //nas/share rw,username=alice",
                "29 25 0:22 / /proc rw,nosuid shared:5 - proc proc rw");
            var original = Needs(tree);

            var archive = await CaptureAsync(tree);
            var entries = Read(archive);
            var unpacked = Path.Combine(_scratch, "unpacked-stacks");
            CapturedTrees.ExtractArchive(archive, unpacked);

            Assert.Equal(original, Needs(unpacked));
            Assert.Contains(original, n => n.Contains("eth1 is a port of bridge vmbr0, which carries the default route (192.168.1.10/24)", StringComparison.Ordinal));
            Assert.Contains(original, n => n.Contains("/dev/pve/root (dm-0 on vda1) is mounted on /", StringComparison.Ordinal));
            Assert.Contains(original, n => n.Contains("vda2 is a member of the ZFS pool rpool, mounted on /rpool", StringComparison.Ordinal));
            Assert.Equal(TarEntryType.SymbolicLink, entries["sys/fs/btrfs/4f1c2b7e-0d6a-4c1e-9b55-7f8e2a6c3d10/devices/loop1"].EntryType);
            Assert.Equal("E:ID_FS_LABEL=rpool\nE:ID_FS_UUID=15467925713640392231\nE:ID_FS_TYPE=zfs_member\n",
                System.Text.Encoding.UTF8.GetString(entries[$"run/udev/data/b{HostLayouts.DeviceNumber(tree, "vda2")}"].Content!));
            var mountInfo = System.Text.Encoding.UTF8.GetString(entries["proc/self/mountinfo"].Content!);
            Assert.DoesNotContain("alice", mountInfo, StringComparison.Ordinal);
            Assert.DoesNotContain(" proc ", mountInfo, StringComparison.Ordinal);
            Assert.Equal(4, mountInfo.Split('\n').Length); // the ext4, zfs and btrfs lines, and the end
        }
        finally
        {
            Directory.Delete(tree, recursive: true);
        }
    }

    /// <summary>What the host-use rules say the host needs through each device of a tree.</summary>
    private static string[] Needs(string tree)
    {
        var usage = HostUsage.Read(new HostRoot(tree));
        return TreeScan.Scan(tree).Devices.SelectMany(d => usage.NeedsOf(d).Select(n => $"{d.Address}: {n}")).ToArray();
    }

    [Fact]
    public async Task Capture_ManifestSaysWhatWhenAndWhatIsLeftOut()
    {
        var tree = CapturedTrees.Path("amd-initial");

        var manifest = Manifest(Read(await CaptureAsync(tree)));

        Assert.Equal("6.1.0-56-amd64", manifest.GetProperty("kernel").GetString());
        Assert.Equal(tree, manifest.GetProperty("hostRoot").GetString());
        Assert.True(manifest.GetProperty("capturedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Empty(manifest.GetProperty("skipped").EnumerateArray());
        Assert.Contains(manifest.GetProperty("excluded").EnumerateArray(), e => e.GetString()!.StartsWith("vpd:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Capture_ExistingOutput_IsRefusedAndLeftAlone()
    {
        var archive = Path.Combine(_scratch, "existing.tar.gz");
        File.WriteAllText(archive, "keep me");

        var result = await Cli.OnTreeAsync(CapturedTrees.Path("intel-initial"), "capture", archive);

        Assert.Equal(HostCommands.Error, result.ExitCode);
        Assert.Contains("already exists", result.Error, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(archive));
    }

    [Theory]
    [InlineData(TarEntryType.CharacterDevice, "dev/mem", "")]
    [InlineData(TarEntryType.SymbolicLink, "sys/escape", "../../../etc/passwd")]
    [InlineData(TarEntryType.RegularFile, "../outside", "")]
    public async Task HostRootArchive_WithAnEntryACaptureNeverHas_IsRefused(TarEntryType type, string name, string link)
    {
        // SYNTHETIC hostile archives: a bug report's attachment is a stranger's file.
        var archive = Path.Combine(_scratch, "hostile.tar.gz");
        using (var file = File.Create(archive))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Gnu))
        {
            writer.WriteEntry(new GnuTarEntry(TarEntryType.Directory, "sys/"));
            var entry = new GnuTarEntry(type, name);
            if (type == TarEntryType.SymbolicLink)
            {
                entry.LinkName = link;
            }

            writer.WriteEntry(entry);
        }

        var before = Directory.GetDirectories(Path.GetTempPath(), "passthru-root-*").Length;

        var result = await Cli.RunAsync("scan", "--host-root", archive);

        Assert.Equal(HostCommands.Error, result.ExitCode);
        Assert.StartsWith("The host root archive cannot be opened:", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), "outside")));
        Assert.Equal(before, Directory.GetDirectories(Path.GetTempPath(), "passthru-root-*").Length);
    }

    [Fact]
    public async Task HostRootArgument_Archive_IsUnpackedForTheDashboardAndRemovedAfter()
    {
        var archive = await CaptureAsync(CapturedTrees.Path("intel-initial"));

        var (arguments, unpacked) = HostRootArgument.UnpackArchive(["--urls", "http://127.0.0.1:0", $"--host-root={archive}"]);
        string root;
        using (unpacked)
        {
            root = arguments[2]["--host-root=".Length..];
            Assert.Equal(unpacked!.Path, root);
            Assert.True(File.Exists(Path.Combine(root, "sys/devices/pci0000:00/0000:00:1b.0/config")));
            Assert.Equal("http://127.0.0.1:0", arguments[1]);
        }

        Assert.False(Directory.Exists(root));
    }

    private async Task<string> CaptureAsync(string tree)
    {
        var archive = Path.Combine(_scratch, $"capture-{Guid.NewGuid():N}.tar.gz");
        var result = await Cli.OnTreeAsync(tree, "capture", archive);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.StartsWith($"Wrote {archive}: ", result.Output, StringComparison.Ordinal);
        return archive;
    }

    private static JsonElement Manifest(Dictionary<string, ArchiveEntry> entries)
        => JsonDocument.Parse(entries[CaptureManifest.FileName].Content).RootElement;

    private sealed record ArchiveEntry(TarEntryType EntryType, string LinkName, byte[]? Content);

    /// <summary>The archive's entries by name (directories without their trailing slash), read with .NET's own tar reader.</summary>
    private static Dictionary<string, ArchiveEntry> Read(string archive)
    {
        var entries = new Dictionary<string, ArchiveEntry>(StringComparer.Ordinal);
        using var file = File.OpenRead(archive);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            byte[]? content = null;
            if (entry.DataStream is { } data)
            {
                using var memory = new MemoryStream();
                data.CopyTo(memory);
                content = memory.ToArray();
            }
            else if (entry.EntryType == TarEntryType.RegularFile)
            {
                content = [];
            }

            entries.Add(entry.Name.TrimEnd('/'), new ArchiveEntry(entry.EntryType, entry.LinkName, content));
        }

        return entries;
    }
}
