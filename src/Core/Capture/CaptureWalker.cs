using System.IO.Enumeration;
using System.Text;
using Passthru.Core.Host;
using Passthru.Core.Pci;

namespace Passthru.Core.Capture;

/// <summary>
/// Collects the subset of a host root that Passthru reads (see <see cref="CaptureScope"/>) into a
/// <see cref="CaptureTree"/>, in the layout of the lab's fixture trees (tests/fixtures/captured), so the
/// unpacked archive works as a host root. Files are read to EOF as the scanner reads them (sysfs reports
/// 4096 or 0 as every size), without following a final symlink; symlinks are stored as links with the
/// kernel's relative target (procfs' links into /proc/self are the exception: see <see cref="Proc"/>).
/// A file whose read fails is left out and listed, never guessed.
/// </summary>
internal sealed partial class CaptureWalker(HostRoot root, CaptureTree tree)
{
    /// <summary>Grows to the largest file read (pci.ids); one per capture.</summary>
    private byte[] _buffer = new byte[16 * 1024];

    public void Walk()
    {
        PciFunctions();
        PciDriversAndSlots();
        IommuGroups();
        ClassMembers("sys/class/iommu", _ => { });
        foreach (var className in CaptureScope.HostInterfaceClasses)
        {
            ClassMembers($"sys/class/{className}", className switch
            {
                "block" => BlockDevice,
                "net" => NetDevice,
                _ => _ => { },
            });
        }

        Consoles();
        VfioModulesAndSelinux();
        Proc();
        MountsByDevice();
        Distribution();
        VfioNodes();
        PciIds();
    }

    /// <summary>Every function the scanner lists, through the links it follows, with the files it (and lspci) read.</summary>
    private void PciFunctions()
    {
        foreach (var entry in List("sys/bus/pci/devices"))
        {
            var link = $"sys/bus/pci/devices/{entry.Name}";
            AddLink(link);
            if (root.RealPath(link) is not { } directory || !Directory.Exists(directory))
            {
                tree.Skip(link, "does not resolve to a device directory");
                continue;
            }

            var files = new List<string>();
            var relative = root.ToRelative(directory);
            tree.AddDirectory(relative);
            foreach (var child in List(relative))
            {
                if (child.IsLink)
                {
                    AddLink($"{relative}/{child.Name}");
                }
                else if (child.Name == "msi_irqs" && child.IsDirectory)
                {
                    MsiIrqs($"{relative}/msi_irqs");
                }
                else if (CaptureScope.PciFunctionFiles.Contains(child.Name))
                {
                    files.Add(child.Name);
                }
            }

            CopyFiles(relative, files);
        }
    }

    /// <summary>The IRQ numbers a function's MSIs use, by name: files reading "msi"/"msix" (older kernels: directories with a mode file).</summary>
    private void MsiIrqs(string directory)
    {
        tree.AddDirectory(directory);
        var entries = List(directory).Where(e => !e.IsLink).ToArray();
        foreach (var irq in entries.Where(e => e.IsDirectory))
        {
            tree.AddDirectory($"{directory}/{irq.Name}");
            CopyFiles($"{directory}/{irq.Name}", ["mode"]);
        }

        CopyFiles(directory, entries.Where(e => !e.IsDirectory).Select(e => e.Name));
    }

    /// <summary>Driver directories hold links only (their bind/unbind/new_id files are write-only); a slot's address names it.</summary>
    private void PciDriversAndSlots()
    {
        foreach (var driver in List("sys/bus/pci/drivers").Where(e => e.IsDirectory && !e.IsLink))
        {
            var directory = $"sys/bus/pci/drivers/{driver.Name}";
            tree.AddDirectory(directory);
            foreach (var link in List(directory).Where(e => e.IsLink))
            {
                AddLink($"{directory}/{link.Name}");
            }
        }

        foreach (var slot in List("sys/bus/pci/slots").Where(e => e.IsDirectory && !e.IsLink))
        {
            // Only the address: an ACPI slot's "attention" read calls into the firmware (and fails with EINVAL).
            CopyFiles($"sys/bus/pci/slots/{slot.Name}", ["address"]);
        }
    }

    private void IommuGroups()
    {
        foreach (var group in List("sys/kernel/iommu_groups").Where(e => e.IsDirectory && !e.IsLink))
        {
            var directory = $"sys/kernel/iommu_groups/{group.Name}";
            tree.AddDirectory(directory);
            CopyFiles(directory, ["type", "reserved_regions"]);
            tree.AddDirectory($"{directory}/devices");
            foreach (var member in List($"{directory}/devices").Where(e => e.IsLink))
            {
                AddLink($"{directory}/devices/{member.Name}");
            }
        }
    }

    /// <summary>A class directory's links and the (otherwise empty) directories they point to, so the links resolve.</summary>
    private void ClassMembers(string classDirectory, Action<string> member)
    {
        foreach (var entry in List(classDirectory).Where(e => e.IsLink))
        {
            var link = $"{classDirectory}/{entry.Name}";
            AddLink(link);
            if (root.RealPath(link) is { } target && Directory.Exists(target))
            {
                var relative = root.ToRelative(target);
                tree.AddDirectory(relative);
                member(relative);
            }
        }
    }

    /// <summary>Whether the framebuffer console is bound (the boot display rule).</summary>
    private void Consoles()
    {
        ClassMembers("sys/class/vtconsole", _ => { });
        foreach (var console in List("sys/devices/virtual/vtconsole").Where(e => e.IsDirectory && !e.IsLink))
        {
            CopyFiles($"sys/devices/virtual/vtconsole/{console.Name}", ["name", "bind"]);
        }
    }

    /// <summary>The checks look for sys/module/vfio* and read the SELinux mode; the vfio module parameters explain odd hosts.</summary>
    private void VfioModulesAndSelinux()
    {
        foreach (var module in List("sys/module").Where(e => e.Name.StartsWith("vfio", StringComparison.Ordinal) && e.IsDirectory && !e.IsLink))
        {
            var directory = $"sys/module/{module.Name}";
            tree.AddDirectory(directory);
            CopyFiles($"{directory}/parameters", List($"{directory}/parameters").Where(e => !e.IsLink && !e.IsDirectory).Select(e => e.Name));
        }

        CopyFiles("sys/fs/selinux", ["enforce"]);
    }

    /// <summary>
    /// Stored at the paths Passthru reads them by: /proc/mounts and /proc/net are links into /proc/self
    /// (the capturing process's PID), followed here but not kept. proc/mounts keeps only what the host-use
    /// rules can match (sources under /dev/): network shares name their servers and users.
    /// </summary>
    private void Proc()
    {
        foreach (var file in CaptureScope.ProcFiles)
        {
            if (ReadFollowingLinks($"proc/{file}") is var (content, mode))
            {
                tree.AddFile($"proc/{file}", content, mode);
            }
        }

        if (ReadFollowingLinks("proc/mounts") is var (mounts, mountsMode))
        {
            var local = Encoding.UTF8.GetString(mounts).Split('\n')
                .Where(line => line.StartsWith("/dev/", StringComparison.Ordinal))
                .Select(line => line + "\n");
            tree.AddFile("proc/mounts", Encoding.UTF8.GetBytes(string.Concat(local)), mountsMode);
        }
    }

    /// <summary>The distribution and the Proxmox markers, as HostFacts finds them.</summary>
    private void Distribution()
    {
        CopyFollowingLink("etc/os-release");
        CopyFollowingLink("usr/lib/os-release");
        if (Directory.Exists(root.Resolve("etc/pve")))
        {
            tree.AddDirectory("etc/pve");   // its presence only: it holds the cluster's keys
        }

        Placeholder("usr/sbin/proxmox-boot-tool");
    }

    /// <summary>The group nodes, as empty files with their modes: opening one would claim the group.</summary>
    private void VfioNodes()
    {
        foreach (var node in List("dev/vfio"))
        {
            if (node.IsDirectory && !node.IsLink)
            {
                tree.AddDirectory($"dev/vfio/{node.Name}");
                foreach (var inner in List($"dev/vfio/{node.Name}").Where(e => !e.IsDirectory))
                {
                    Placeholder($"dev/vfio/{node.Name}/{inner.Name}");
                }
            }
            else if (!node.IsLink)
            {
                Placeholder($"dev/vfio/{node.Name}");
            }
        }
    }

    /// <summary>The pci.ids Passthru would use under this root, so names read the same wherever the archive is opened.</summary>
    private void PciIds()
    {
        if (PciIdsLocator.WellKnownPaths.FirstOrDefault(p => File.Exists(root.Resolve(p))) is { } path)
        {
            CopyFollowingLink(path);
        }
    }

    private void CopyFollowingLink(string path)
    {
        var full = root.Resolve(path);
        if (NativeFile.ReadLink(full) is not null)
        {
            AddLink(path);
            if (root.RealPath(path) is { } target && File.Exists(target))
            {
                CopyFiles(Path.GetDirectoryName(root.ToRelative(target))!, [Path.GetFileName(target)]);
            }
        }
        else if (File.Exists(full))
        {
            CopyFiles(Path.GetDirectoryName(path)!, [Path.GetFileName(path)]);
        }
    }

    private void Placeholder(string path)
    {
        var full = root.Resolve(path);
        if (File.Exists(full) && NativeFile.ReadLink(full) is null)
        {
            tree.AddFile(path, [], Mode(full));
        }
    }

    /// <summary>Reads each named file of a directory; an absent one is not noted (attributes differ by device), a failed one is.</summary>
    private void CopyFiles(string directory, IEnumerable<string> names)
    {
        using var handle = NativeFile.OpenDirectory(root.Resolve(directory), out var openError);
        if (handle.IsInvalid)
        {
            if (!NativeFile.IsAbsence(openError))
            {
                tree.Skip(directory, NativeFile.Describe(openError));
            }

            return;
        }

        foreach (var name in names)
        {
            var outcome = NativeFile.TryReadInto(handle, name, ref _buffer, out var length, out var errno);
            if (outcome == NativeFile.Outcome.Read)
            {
                tree.AddFile($"{directory}/{name}", _buffer.AsSpan(0, length).ToArray(), Mode(root.Resolve($"{directory}/{name}")));
            }
            else if (outcome == NativeFile.Outcome.Failed)
            {
                tree.Skip($"{directory}/{name}", NativeFile.Describe(errno));
            }
        }
    }

    /// <summary>A file's content through every link in its path (inside the root), or null if absent; a failed read is noted under the path asked for.</summary>
    private (byte[] Content, UnixFileMode Mode)? ReadFollowingLinks(string path)
    {
        if (root.RealPath(path) is not { } real || Directory.Exists(real))
        {
            return null;
        }

        using var handle = NativeFile.OpenDirectory(Path.GetDirectoryName(real)!, out _);
        if (handle.IsInvalid)
        {
            return null;
        }

        var outcome = NativeFile.TryReadInto(handle, Path.GetFileName(real), ref _buffer, out var length, out var errno);
        if (outcome == NativeFile.Outcome.Failed)
        {
            tree.Skip(path, NativeFile.Describe(errno));
        }

        return outcome == NativeFile.Outcome.Read ? (_buffer.AsSpan(0, length).ToArray(), Mode(real)) : null;
    }

    /// <summary>
    /// Stores a symlink with its target as the kernel wrote it. An absolute target means that path under
    /// the host root (as in a chroot) and is stored relative, so the tree unpacks anywhere; a target that
    /// climbs above the root is left out, because no archive tool would unpack it.
    /// </summary>
    private void AddLink(string path)
    {
        if (NativeFile.ReadLink(root.Resolve(path)) is not { } target)
        {
            return;
        }

        var directory = Path.GetDirectoryName(path) ?? "";
        if (target.StartsWith('/'))
        {
            target = Path.GetRelativePath("/" + directory, target);
        }

        if (!StaysInside(directory, target))
        {
            tree.Skip(path, $"link to {target} leaves the host root");
            return;
        }

        tree.AddLink(path, target);
    }

    private static bool StaysInside(string directory, string target)
    {
        var depth = directory.Split('/', StringSplitOptions.RemoveEmptyEntries).Length;
        foreach (var segment in target.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            depth += segment switch
            {
                ".." => -1,
                "." => 0,
                _ => 1,
            };
            if (depth < 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The mode without the file type, as a tar header stores it; a file that vanished meanwhile reads as 0444.</summary>
    private static UnixFileMode Mode(string path)
        => NativeFile.Mode(path) ?? (UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

    private readonly record struct Entry(string Name, bool IsLink, bool IsDirectory);

    private static readonly EnumerationOptions AllEntries = new() { AttributesToSkip = 0, IgnoreInaccessible = true };

    /// <summary>A directory's entries with their types from the directory itself (no stat); none when it is absent.</summary>
    private List<Entry> List(string relativeDirectory)
    {
        try
        {
            var entries = new FileSystemEnumerable<Entry>(root.Resolve(relativeDirectory),
                (ref FileSystemEntry e) => new Entry(e.FileName.ToString(), (e.Attributes & FileAttributes.ReparsePoint) != 0, e.IsDirectory),
                AllEntries).ToList();
            entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            return entries;
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            tree.Skip(relativeDirectory, ex.Message);
            return [];
        }
    }
}
