using System.Diagnostics;
using Passthru.TestSupport;

namespace Passthru.Web.Tests.Libvirt;

/// <summary>
/// Runs a shell scenario against a real libvirtd of its own, in a private mount namespace (<c>unshare -m</c>), where
/// a scratch copy of /etc/libvirt (with the hooks the test puts there), /var/lib/libvirt, /var/cache/libvirt,
/// /var/log/libvirt, /run/libvirt and /usr/local/bin hide the machine's own: libvirt reads its hooks from
/// /etc/libvirt/hooks alone, and this machine's real files and any libvirtd already running stay untouched. The
/// daemons are stopped by their PID files when the scenario ends, however it ends.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class PrivateLibvirtd
{
    /// <summary>Why it cannot run here, or null.</summary>
    public static string? CannotRunReason { get; } = LibvirtDaemon.CannotRunReason
        ?? (File.Exists("/usr/bin/unshare") ? null : "/usr/bin/unshare is not installed (util-linux)");

    /// <param name="hooks">Files for /etc/libvirt/hooks, by path under it (<c>qemu.d/passthru</c>), made executable.</param>
    /// <param name="bin">Files for /usr/local/bin, made executable.</param>
    /// <param name="scenario">Shell commands run once the daemon answers; <c>$SCRATCH</c> is a scratch directory.</param>
    /// <returns>The scenario's stdout and stderr together.</returns>
    public static async Task<string> RunAsync(IReadOnlyDictionary<string, string> hooks, IReadOnlyDictionary<string, string> bin, string scenario)
    {
        var scratch = Directory.CreateDirectory(Scratch.NewPath("passthru-private-libvirtd")).FullName;
        try
        {
            foreach (var (folder, files) in new[] { ("hooks", hooks), ("bin", bin) })
            {
                foreach (var (name, text) in files)
                {
                    var path = Path.Combine(scratch, folder, name);
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    await File.WriteAllTextAsync(path, text);
                    File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
                }
            }

            var script = Path.Combine(scratch, "run.sh");
            await File.WriteAllTextAsync(script, $$"""
                set -u
                S={{scratch}}
                SCRATCH=$S
                mkdir -p $S/lib $S/cache $S/log $S/bin
                cp -a /etc/libvirt $S/etc-libvirt
                # No guests, autostarts or networks of the machine's daemon: this daemon starts with none.
                rm -rf $S/etc-libvirt/qemu/*.xml $S/etc-libvirt/qemu/autostart $S/etc-libvirt/qemu/networks/autostart $S/etc-libvirt/hooks
                mkdir -p $S/hooks
                cp -a $S/hooks $S/etc-libvirt/hooks
                # libvirt's capability cache: a copy spares a probe where the machine's daemon made one.
                cp -a /var/cache/libvirt/. $S/cache/ 2>/dev/null
                mkdir -p /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt
                mount --bind $S/etc-libvirt /etc/libvirt
                mount -t tmpfs tmpfs /run/libvirt
                mount --bind $S/lib /var/lib/libvirt
                mount --bind $S/cache /var/cache/libvirt
                mount --bind $S/log /var/log/libvirt
                mount --bind $S/bin /usr/local/bin
                # SIGTERM, then wait (SIGKILL after 15 s) so that nothing writes into the scratch folder once the script is done.
                stop() {
                    for f in $S/libvirtd.pid $S/virtlogd.pid; do
                        [ -f $f ] || continue
                        pid=$(cat $f); kill $pid 2>/dev/null
                        for i in $(seq 300); do kill -0 $pid 2>/dev/null || break; sleep 0.05; done
                        kill -9 $pid 2>/dev/null
                    done
                }
                trap stop EXIT
                virtlogd -d -p $S/virtlogd.pid
                libvirtd -d -p $S/libvirtd.pid
                for i in $(seq 300); do [ -S /run/libvirt/libvirt-sock ] && break; sleep 0.05; done
                {{scenario}}
                """);
            var info = new ProcessStartInfo("/usr/bin/unshare", ["-m", "--propagation", "private", "/bin/bash", script])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return await output + await error;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
