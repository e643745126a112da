using System.Runtime.InteropServices;

namespace Passthru.Core.Auth.Native;

/// <summary>libc's reentrant account lookups. Struct offsets are glibc's on 64-bit Linux (x86-64 and arm64 alike).</summary>
internal static unsafe partial class LibC
{
    private const int BufferTooSmall = 34; // ERANGE

    // struct passwd: pw_name, pw_passwd, then pw_uid and pw_gid (4 bytes each) at 16 and 20; 48 bytes in all.
    private const int PasswdSize = 48;
    private const int PasswdUidOffset = 16;
    private const int PasswdGidOffset = 20;

    // struct group: gr_name first; 32 bytes in all.
    private const int GroupSize = 32;

    // NGROUPS_MAX on Linux; a name service claiming more is broken, and only the primary group counts then.
    private const int MaxGroups = 65536;

    [LibraryImport("libc", EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int GetPasswdByName(string name, byte* passwd, byte* buffer, nuint size, out IntPtr result);

    [LibraryImport("libc", EntryPoint = "getpwuid_r")]
    private static partial int GetPasswdById(uint uid, byte* passwd, byte* buffer, nuint size, out IntPtr result);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint EffectiveUserId();

    [LibraryImport("libc", EntryPoint = "getgrouplist", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int GetGroupList(string user, uint group, uint* groups, ref int count);

    [LibraryImport("libc", EntryPoint = "getgrgid_r")]
    private static partial int GetGroupById(uint gid, byte* group, byte* buffer, nuint size, out IntPtr result);

    public static (uint Uid, uint Gid)? FindUser(string name)
    {
        var passwd = stackalloc byte[PasswdSize];
        for (var size = 1024; size <= 1 << 20; size *= 4)
        {
            var buffer = new byte[size];
            fixed (byte* b = buffer)
            {
                var error = GetPasswdByName(name, passwd, b, (nuint)size, out var result);
                if (error == BufferTooSmall)
                {
                    continue;
                }

                return error == 0 && result != IntPtr.Zero
                    ? (*(uint*)(passwd + PasswdUidOffset), *(uint*)(passwd + PasswdGidOffset))
                    : null;
            }
        }

        return null;
    }

    /// <summary>The name of the account with this uid (pw_name, the struct's first field), or null.</summary>
    public static string? UserName(uint uid)
    {
        var passwd = stackalloc byte[PasswdSize];
        for (var size = 1024; size <= 1 << 20; size *= 4)
        {
            var buffer = new byte[size];
            fixed (byte* b = buffer)
            {
                var error = GetPasswdById(uid, passwd, b, (nuint)size, out var result);
                if (error == BufferTooSmall)
                {
                    continue;
                }

                return error == 0 && result != IntPtr.Zero ? Marshal.PtrToStringUTF8(*(IntPtr*)passwd) : null;
            }
        }

        return null;
    }

    public static uint[] GroupIds(string user, uint primaryGroup)
    {
        var count = 32;
        while (true)
        {
            var groups = new uint[count];
            var asked = count;
            fixed (uint* g = groups)
            {
                // -1 with count raised to what is needed when the array was too small.
                if (GetGroupList(user, primaryGroup, g, ref count) >= 0)
                {
                    return groups[..count];
                }
            }

            if (count <= asked)
            {
                count = asked * 2;
            }

            if (count > MaxGroups)
            {
                return [primaryGroup];
            }
        }
    }

    public static string? GroupName(uint gid)
    {
        var group = stackalloc byte[GroupSize];
        for (var size = 1024; size <= 1 << 20; size *= 4)
        {
            var buffer = new byte[size];
            fixed (byte* b = buffer)
            {
                var error = GetGroupById(gid, group, b, (nuint)size, out var result);
                if (error == BufferTooSmall)
                {
                    continue;
                }

                return error == 0 && result != IntPtr.Zero ? Marshal.PtrToStringUTF8(*(IntPtr*)group) : null;
            }
        }

        return null;
    }
}
