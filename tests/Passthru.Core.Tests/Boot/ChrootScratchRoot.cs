using System.Diagnostics;

namespace Passthru.Core.Tests.Boot;

/// <summary>
/// A scratch root where the machine's own boot tools run for real under chroot: the folder is
/// bind-mounted onto itself (so grub-probe finds a mount on a real disk, where a loop image from a file
/// makes GRUB's 10_linux skip every kernel), with /usr read-only, and /dev, /proc and /sys read-only
/// beside it. Its own /etc and /boot are the files the test wrote. Needs root, as the tests run.
/// </summary>
public sealed class ChrootScratchRoot : IDisposable
{
    private readonly List<string> _mounts = [];

    public ChrootScratchRoot()
    {
        // On a disk, not Scratch's tmpfs: grub-probe names the device the root is on, and tmpfs has none.
        Path = $"/var/tmp/passthru-chroot-{Guid.NewGuid():N}";
        Directory.CreateDirectory(Path);
        try
        {
            Build();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private void Build()
    {
        Mount("--bind", Path, Path);
        foreach (var folder in new[] { "usr", "dev", "proc", "sys", "tmp", "run", "etc", "boot" })
        {
            Directory.CreateDirectory(Combine(folder));
        }

        foreach (var (link, target) in new[] { ("bin", "usr/bin"), ("sbin", "usr/sbin"), ("lib", "usr/lib"), ("lib64", "usr/lib64") })
        {
            File.CreateSymbolicLink(Combine(link), target);
        }

        BindReadOnly("/usr", "usr");
        BindReadOnly("/dev", "dev");
        BindReadOnly("/sys", "sys");
        Mount("-t", "proc", "proc", Combine("proc"));
        foreach (var file in new[] { "passwd", "group", "os-release" })
        {
            File.Copy(System.IO.Path.Combine("/etc", file), Combine("etc/" + file));
        }
    }

    public string Path { get; }

    public string Combine(string relative) => System.IO.Path.Combine(Path, relative);

    public void Write(string relative, string text)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Combine(relative))!);
        File.WriteAllText(Combine(relative), text);
    }

    public void Dispose()
    {
        foreach (var target in Enumerable.Reverse(_mounts))
        {
            Run("umount", "-l", target);
        }

        // Deleted only once nothing is mounted under it: a recursive delete must never walk into the machine's /usr.
        if (!File.ReadAllText("/proc/self/mountinfo").Contains(" " + Path, StringComparison.Ordinal))
        {
            Directory.Delete(Path, recursive: true);
        }
    }

    private void BindReadOnly(string source, string relative)
    {
        Mount("--bind", source, Combine(relative));
        Run("mount", "-o", "remount,bind,ro", Combine(relative));
    }

    private void Mount(params string[] arguments)
    {
        Run("mount", arguments);
        _mounts.Add(arguments[^1]);
    }

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)}: {error}");
        }
    }
}
