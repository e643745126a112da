using System.Globalization;
using Passthru.Core.Host;

namespace Passthru.Core.Boot.CommandLine;

/// <summary>Plans an Apply from the files under the configuration root alone: it writes and runs nothing.</summary>
public static class CommandLinePlanner
{
    /// <summary>A boot loader's file is a few kilobytes; anything far larger is not one to edit.</summary>
    private const long MaxFileSize = 1024 * 1024;

    public static CommandLinePlan Plan(HostRoot root, ParameterChange change, DateTimeOffset now)
    {
        var setup = BootSetupDetector.Detect(root);
        if (!setup.IsRecognised)
        {
            return new CommandLinePlan(setup, change, [], [], $"The boot setup is not recognised: {setup.Reason}");
        }

        try
        {
            var stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            var edits = new List<FileEdit>();
            foreach (var path in FilesOf(root, setup))
            {
                var before = Read(root, path);
                var after = Edit(setup.Kind, before, change);
                if (after != before)
                {
                    edits.Add(new FileEdit(path, before, after, UnifiedDiff.Of(path, before, after), $"{path}.passthru-{stamp}.bak", setup.Kind == BootSetupKind.Grubby));
                }
            }

            return new CommandLinePlan(setup, change, edits, Commands(root, setup, change, edits), null);
        }
        catch (BootSetupException ex)
        {
            return new CommandLinePlan(setup, change, [], [], ex.Message);
        }
    }

    /// <summary>The words the boot loader will give the kernel at the next boot, as the setup's file says; null when unrecognised or unreadable.</summary>
    public static IReadOnlyList<string>? ConfiguredWords(HostRoot root, BootSetup setup, string? runningVersion)
    {
        try
        {
            return setup.Kind switch
            {
                BootSetupKind.GrubDefault => GrubDefaultFile.ConfiguredWords(Read(root, setup.File)),
                BootSetupKind.ProxmoxBootTool or BootSetupKind.KernelInstall => KernelParameters.Split(Read(root, setup.File)),
                BootSetupKind.Grubby => BlsEntries.List(root) is { Count: > 0 } entries
                    ? BlsEntries.OptionsWords(Read(root, entries.FirstOrDefault(e => runningVersion is not null && e.EndsWith($"-{runningVersion}.conf", StringComparison.Ordinal)) ?? entries[^1]))
                    : null,
                _ => null,
            };
        }
        catch (BootSetupException)
        {
            return null;
        }
    }

    private static IReadOnlyList<string> FilesOf(HostRoot root, BootSetup setup)
        => setup.Kind == BootSetupKind.Grubby ? BlsEntries.List(root) : [setup.File];

    private static string Edit(BootSetupKind kind, string text, ParameterChange change) => kind switch
    {
        BootSetupKind.GrubDefault => GrubDefaultFile.Apply(text, change),
        BootSetupKind.Grubby => BlsEntries.Apply(text, change),
        _ => KernelCmdlineFile.Apply(text, change),
    };

    private static List<ToolCommand> Commands(HostRoot root, BootSetup setup, ParameterChange change, IReadOnlyList<FileEdit> edits)
    {
        var tool = setup.Tool!;
        var runs = setup.Kind switch
        {
            BootSetupKind.GrubDefault => Path.GetFileName(tool) switch
            {
                "grub2-mkconfig" => [[tool, "-o", "/boot/grub2/grub.cfg"]],
                "grub-mkconfig" => [[tool, "-o", "/boot/grub/grub.cfg"]],
                _ => new List<string[]> { new[] { tool } },
            },
            BootSetupKind.ProxmoxBootTool => [[tool, "refresh"]],
            BootSetupKind.KernelInstall => Kernels(root).Select(k => new[] { tool, "add", k.Version, k.Image }).ToList() is { Count: > 0 } kernels
                ? kernels
                : throw new BootSetupException("No installed kernel was found (/usr/lib/modules/VERSION/vmlinuz or /boot/vmlinuz-VERSION) for kernel-install to add."),
            _ => [Grubby(tool, change, edits)],
        };

        // Under a configuration root other than '/', the tool runs inside it (chroot), so it acts on that tree's files and no others.
        return runs.Select(r => new ToolCommand(root.Path == "/" ? r : ["chroot", root.Path, .. r])).ToList();
    }

    private static string[] Grubby(string tool, ParameterChange change, IReadOnlyList<FileEdit> edits)
    {
        // grubby removes the words it is given: the exact ones the entries hold, whatever value each has.
        var removed = edits.SelectMany(e => BlsEntries.OptionsWords(e.Before)).Distinct(StringComparer.Ordinal)
            .Where(w => change.Remove.Any(r => KernelParameters.Matches(r, w))).ToArray();
        return [tool, "--update-kernel=ALL", .. change.Add.Count > 0 ? [$"--args={string.Join(' ', change.Add)}"] : Array.Empty<string>(),
            .. removed.Length > 0 ? [$"--remove-args={string.Join(' ', removed)}"] : Array.Empty<string>()];
    }

    private static IEnumerable<(string Version, string Image)> Kernels(HostRoot root)
    {
        var modules = root.RealPath("usr/lib/modules") ?? root.RealPath("lib/modules");
        var fromModules = modules is null ? [] : Directory.EnumerateDirectories(modules).Select(Path.GetFileName).OfType<string>()
            .Where(v => IsVersion(v) && root.RealPath($"usr/lib/modules/{v}/vmlinuz") is not null).Select(v => (v, $"/usr/lib/modules/{v}/vmlinuz")).ToList();
        if (fromModules.Count > 0)
        {
            return fromModules.Order();
        }

        var boot = root.RealPath("boot");
        return boot is null ? [] : Directory.EnumerateFiles(boot, "vmlinuz-*").Select(Path.GetFileName).OfType<string>()
            .Select(f => f["vmlinuz-".Length..]).Where(IsVersion).Select(v => (v, $"/boot/vmlinuz-{v}")).Order();
    }

    /// <summary>A kernel version from a folder's name goes on a tool's command line: only the characters versions use.</summary>
    private static bool IsVersion(string name)
        => name.Length is > 0 and < 128 && name[0] != '-' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '+' or '~');

    internal static string Read(HostRoot root, string path)
    {
        var real = root.RealPath(path.TrimStart('/'));
        if (real is null || !File.Exists(real))
        {
            throw new BootSetupException($"{path} cannot be read inside {root.Path} (missing, or a link out of it).");
        }

        if (new FileInfo(real).Length > MaxFileSize)
        {
            throw new BootSetupException($"{path} is larger than {MaxFileSize / 1024} KiB: not a boot loader file Passthru will edit.");
        }

        return File.ReadAllText(real);
    }
}
