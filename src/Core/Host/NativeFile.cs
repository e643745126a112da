using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Passthru.Core.Host;

/// <summary>
/// Reads small files with openat/read/close from libc, relative to an open directory. A scan reads
/// hundreds of sysfs attributes; through FileStream each cost six syscalls (with an flock) and a
/// missing one an exception, which made the scan slower than lspci. Here a read is three syscalls,
/// the kernel walks one path component, and absence is an errno.
/// </summary>
internal static unsafe partial class NativeFile
{
    private const int ReadOnly = 0;
    private const int Directory = 0x10000;     // O_DIRECTORY
    private const int NoFollow = 0x20000;      // O_NOFOLLOW: an attribute that is a symlink is not followed out of the tree
    private const int CloseOnExec = 0x80000;   // O_CLOEXEC
    private const int NonBlocking = 0x800;     // O_NONBLOCK
    private const int ErrorNoEntry = 2;        // ENOENT
    private const int ErrorInterrupted = 4;    // EINTR
    private const int ErrorNotDirectory = 20;  // ENOTDIR: the device directory itself is gone
    private const int ErrorWouldBlock = 11;    // EAGAIN: a FIFO with nothing in it

    /// <summary>Attributes are at most a page; config space is 4096 bytes. One buffer per thread, reused.</summary>
    [ThreadStatic]
    private static byte[]? t_buffer;

    public enum Outcome
    {
        Read,
        Absent,
        Failed,
    }

    /// <summary>Opens a directory to read attributes relative to it; an invalid handle and the errno if it cannot.</summary>
    public static SafeFileHandle OpenDirectory(string path, out int errno)
    {
        var fd = Open(path, ReadOnly | Directory | CloseOnExec);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    public static bool IsAbsence(int errno) => errno is ErrorNoEntry or ErrorNotDirectory;

    /// <summary>Reads <paramref name="name"/> in <paramref name="directory"/> to EOF (sysfs reports 4096 as every size, so the length comes from read()).</summary>
    public static Outcome TryReadAll(SafeFileHandle directory, string name, out byte[] content, out int errno)
    {
        var buffer = t_buffer ??= new byte[8192];
        var outcome = TryReadInto(directory, name, ref buffer, out var length, out errno);
        t_buffer = buffer;
        content = outcome == Outcome.Read ? buffer.AsSpan(0, length).ToArray() : [];
        return outcome;
    }

    /// <summary>
    /// Reads <paramref name="name"/> to EOF into <paramref name="buffer"/>, which grows (doubling) when
    /// the content does not fit and is kept by the caller: a sampler reading /proc/interrupts every
    /// second reuses one buffer instead of allocating the file's size each time.
    /// </summary>
    public static Outcome TryReadInto(SafeFileHandle directory, string name, ref byte[] buffer, out int length, out int errno)
    {
        length = 0;
        // O_NONBLOCK: a FIFO planted in a tree (a damaged capture) must not stall the scan; regular and sysfs files ignore it.
        var fd = OpenAt((int)directory.DangerousGetHandle(), name, ReadOnly | NoFollow | CloseOnExec | NonBlocking);
        if (fd < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return IsAbsence(errno) ? Outcome.Absent : Outcome.Failed;
        }

        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                nint count;
                fixed (byte* start = buffer)
                {
                    count = Read(fd, start + length, buffer.Length - length);
                }

                if (count < 0)
                {
                    errno = Marshal.GetLastPInvokeError();
                    if (errno == ErrorInterrupted)
                    {
                        continue;
                    }

                    if (errno == ErrorWouldBlock)
                    {
                        break; // nothing more to read now: what was read is the content
                    }

                    return Outcome.Failed;
                }

                if (count == 0)
                {
                    break;
                }

                length += (int)count;
            }

            errno = 0;
            return Outcome.Read;
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>
    /// What identifies a directory's incarnation: its inode and change time. A sysfs directory that is
    /// removed and created again (hot unplug, a rescan, another card) is a new inode with a new ctime;
    /// other file systems (a captured tree in /tmp) may reuse the inode number, but not the ctime too.
    /// </summary>
    public static bool TryGetIdentity(string path, out (ulong Inode, long CtimeSeconds, uint CtimeNanoseconds) identity)
    {
        const int currentDirectory = -100;      // AT_FDCWD
        const uint wanted = 0x100 | 0x80;       // STATX_INO | STATX_CTIME
        var buffer = stackalloc byte[256];      // struct statx: one layout on every architecture
        identity = default;
        if (StatX(currentDirectory, path, 0, wanted, buffer) != 0 || (*(uint*)buffer & wanted) != wanted)
        {
            return false;
        }

        identity = (*(ulong*)(buffer + 32), *(long*)(buffer + 96), *(uint*)(buffer + 104)); // stx_ino, stx_ctime
        return true;
    }

    /// <summary>The permission bits of a file (statx: one syscall, no open), or null if it cannot be stat'ed.</summary>
    public static UnixFileMode? Mode(string path)
    {
        const int currentDirectory = -100;      // AT_FDCWD
        const uint wanted = 0x2;                // STATX_MODE
        var buffer = stackalloc byte[256];
        if (StatX(currentDirectory, path, 0, wanted, buffer) != 0 || (*(uint*)buffer & wanted) != wanted)
        {
            return null;
        }

        return (UnixFileMode)(*(ushort*)(buffer + 28) & 0xfff); // stx_mode without the file type
    }

    /// <summary>A symlink's target text (readlink(2): one syscall), or null if the path is not a link or does not exist.</summary>
    public static string? ReadLink(string path)
    {
        var buffer = stackalloc byte[4096];
        var length = ReadLinkRaw(path, buffer, 4096);
        return length <= 0 ? null : System.Text.Encoding.UTF8.GetString(buffer, (int)length);
    }

    /// <summary>
    /// Writes a sysfs attribute in one write(2), as the kernel expects (an attribute is a single
    /// store call), and returns 0 or the errno: drivers_probe answers EINVAL when a driver refused
    /// the device, unbind ENODEV when nothing was bound. O_NOFOLLOW: a link is never written through.
    /// </summary>
    public static int Write(string path, string text)
    {
        const int writeOnly = 1;   // O_WRONLY
        const int truncate = 0x200; // O_TRUNC, as the shell's `echo x > attr` does; it keeps a fixture file's content whole
        var fd = Open(path, writeOnly | truncate | NoFollow | CloseOnExec);
        if (fd < 0)
        {
            return Marshal.GetLastPInvokeError();
        }

        try
        {
            var bytes = System.Text.Encoding.ASCII.GetBytes(text);
            while (true)
            {
                nint written;
                fixed (byte* start = bytes)
                {
                    written = WriteRaw(fd, start, bytes.Length);
                }

                if (written >= 0)
                {
                    return written == bytes.Length ? 0 : 5; // a short write to sysfs is EIO in effect
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno != ErrorInterrupted)
                {
                    return errno;
                }
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>strerror text for a message ("Permission denied").</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "openat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenAt(int directory, string path, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int StatX(int directory, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "readlink", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint ReadLinkRaw(string path, byte* buffer, nint size);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint WriteRaw(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
