using System.Globalization;

namespace Passthru.Core.Host;

/// <summary>
/// Which process holds a socket, read from a procfs tree: each <c>PID/fd/N</c> link of a process that holds
/// a socket reads <c>socket:[INODE]</c>. Reading other users' fd links needs root (which Passthru is); a
/// process may end while it is read, and then it is simply not there. The root is <c>/proc</c> on a host,
/// a constructed tree in tests.
/// </summary>
/// <remarks>The work is bounded: a host with more processes or open files than the caps is read up to them, not hung on.</remarks>
public sealed class ProcessSockets(string procRoot = "/proc")
{
    /// <summary>More processes than the caller's filter could ever need to see; beyond it, the walk stops.</summary>
    public const int MaxProcesses = 65_536;

    /// <summary>The fd links read in one walk, over all processes.</summary>
    public const int MaxLinks = 1_000_000;

    public string ProcRoot { get; } = procRoot;

    /// <summary>The first process whose name (<c>comm</c>) passes <paramref name="isCandidate"/> and that holds the socket.</summary>
    /// <param name="isCandidate">Asked before a process's fds are read, so that only likely holders cost a walk of their fds.</param>
    public int? HolderOf(ulong inode, Func<string, bool> isCandidate)
    {
        var links = 0;
        foreach (var pid in Pids().Take(MaxProcesses))
        {
            if (Name(pid) is not { } name || !isCandidate(name))
            {
                continue;
            }

            var fds = Entries(Path.Combine(ProcRoot, Pid(pid), "fd"));
            if (fds.Any(fd => Inode(LinkTarget(fd)) == inode))
            {
                return pid;
            }

            links += fds.Length;
            if (links > MaxLinks)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>The inodes of the sockets a process holds; empty when it has ended or cannot be read.</summary>
    public IReadOnlySet<ulong> SocketsOf(int pid)
    {
        var inodes = new HashSet<ulong>();
        foreach (var fd in Entries(Path.Combine(ProcRoot, Pid(pid), "fd")).Take(MaxLinks))
        {
            if (Inode(LinkTarget(fd)) is { } inode)
            {
                inodes.Add(inode);
            }
        }

        return inodes;
    }

    /// <summary>The process's name as the kernel keeps it (<c>comm</c>, at most 15 characters); null once it has ended.</summary>
    public string? Name(int pid) => ReadText(Path.Combine(ProcRoot, Pid(pid), "comm"))?.TrimEnd('\n');

    /// <summary>The parent's pid (the <c>PPid:</c> line of <c>status</c>); null once the process has ended.</summary>
    public int? ParentOf(int pid)
    {
        var line = ReadText(Path.Combine(ProcRoot, Pid(pid), "status"))?.Split('\n').FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal));
        return line is not null && int.TryParse(line.AsSpan(5).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parent) && parent > 0
            ? parent
            : null;
    }

    /// <summary><c>socket:[12345]</c> → 12345.</summary>
    public static ulong? Inode(string? linkTarget)
        => linkTarget is not null && linkTarget.StartsWith("socket:[", StringComparison.Ordinal) && linkTarget.EndsWith(']')
            && ulong.TryParse(linkTarget.AsSpan(8, linkTarget.Length - 9), NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
            ? inode
            : null;

    private IEnumerable<int> Pids()
        => Entries(ProcRoot)
            .Select(Path.GetFileName)
            .Select(name => int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0);

    private static string Pid(int pid) => pid.ToString(CultureInfo.InvariantCulture);

    private static string[] Entries(string directory)
    {
        try
        {
            return Directory.GetFileSystemEntries(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The process ended (its directory went), or it is not ours to read.
            return [];
        }
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
