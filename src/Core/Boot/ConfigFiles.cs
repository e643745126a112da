using System.Text;
using Passthru.Core.Host;

namespace Passthru.Core.Boot;

/// <summary>
/// Reads and writes the host's configuration files under the configuration root (<c>/</c> on a real host). A write goes
/// to a temporary file that is renamed over the target, so a crash leaves the old file or the new one, never half of
/// one, and a link planted at the target is replaced, not followed. Directories are created only under the root.
/// </summary>
public sealed class ConfigFiles(HostRoot root)
{
    public HostRoot Root => root;

    /// <summary>The file's text, or null when there is none (or it is not a regular file).</summary>
    public string? Read(string path)
    {
        var full = root.Resolve(path);
        if (new FileInfo(full) is not { Exists: true, LinkTarget: null } info || info.Length > MaxFileBytes)
        {
            return null;
        }

        return File.ReadAllText(full, Encoding.UTF8);
    }

    public bool Exists(string path) => File.Exists(root.Resolve(path)) || new FileInfo(root.Resolve(path)).LinkTarget is not null;

    /// <exception cref="IOException">The directory lies outside the root (through a link), or the disk refused the write.</exception>
    public void Write(string path, string text, bool executable)
    {
        var full = root.Resolve(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        if (root.RealPath(root.ToRelative(directory)) is not { } real || real != directory)
        {
            throw new IOException($"{directory} leads outside {root.Path} through a link: nothing was written there.");
        }

        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.passthru-{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(Encoding.UTF8.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, executable ? Executable : Readable);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Removes the file (or a link in its place); nothing when there is none.</summary>
    public void Delete(string path) => File.Delete(root.Resolve(path));

    private const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Executable = Readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>No configuration file of ours is anywhere near this; a larger one is not read into memory.</summary>
    private const long MaxFileBytes = 1 << 20;
}
