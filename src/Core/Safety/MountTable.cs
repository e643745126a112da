using System.Text;

namespace Passthru.Core.Safety;

/// <summary>
/// A mounted filesystem: the device number the kernel mounted it from (<c>MAJ:MIN</c>, null when read
/// from /proc/mounts, which has none), where, its type, and the source as mount(8) or the kernel named it.
/// </summary>
internal sealed record Mount(string? Device, string MountPoint, string FsType, string Source);

/// <summary>The procfs tables of mounts and swaps, parsed line by line: a line that does not fit is skipped.</summary>
internal static class MountTable
{
    /// <summary>
    /// /proc/self/mountinfo: <c>36 35 98:0 /root /mnt rw,noatime master:1 - ext3 /dev/root rw</c>. Field 3
    /// is the device number; after the optional fields, a lone "-", then the type and the source.
    /// </summary>
    public static IReadOnlyList<Mount> ParseMountInfo(string? text)
    {
        var mounts = new List<Mount>();
        foreach (var line in Lines(text))
        {
            var fields = line.Split(' ');
            var separator = fields.Length > 6 ? Array.IndexOf(fields, "-", 6) : -1;
            if (separator < 0 || separator + 2 >= fields.Length)
            {
                continue;
            }

            mounts.Add(new Mount(IsDeviceNumber(fields[2]) ? fields[2] : null, Unescape(fields[4]), Unescape(fields[separator + 1]), Unescape(fields[separator + 2])));
        }

        return mounts;
    }

    /// <summary>/proc/mounts (<c>/dev/sda1 /boot ext4 rw 0 0</c>): what old captures hold instead of mountinfo.</summary>
    public static IReadOnlyList<Mount> ParseMounts(string? text)
        => Lines(text)
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length >= 2)
            .Select(fields => new Mount(null, Unescape(fields[1]), fields.Length > 2 ? Unescape(fields[2]) : "", Unescape(fields[0])))
            .ToArray();

    /// <summary>The device files (or swap files) of /proc/swaps, below its header line.</summary>
    public static IReadOnlySet<string> ParseSwaps(string? text)
        => Lines(text).Skip(1)
            .Select(line => line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length > 0) // a line of blanks has no file name (it threw here before: found by fuzzing)
            .Select(fields => Unescape(fields[0]))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary><c>MAJ:MIN</c> in decimal, as the kernel prints a dev_t; anything else is no device number.</summary>
    public static bool IsDeviceNumber(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon is > 0 and <= 10 && text.Length - colon - 1 is > 0 and <= 10
            && !text.AsSpan(0, colon).ContainsAnyExceptInRange('0', '9') && !text.AsSpan(colon + 1).ContainsAnyExceptInRange('0', '9');
    }

    /// <summary>Whether a device number is an anonymous one (major 0: tmpfs, proc, and btrfs and ZFS, which sit on no one device).</summary>
    public static bool IsAnonymous(string device) => device.StartsWith("0:", StringComparison.Ordinal);

    /// <summary>The kernel escapes space, tab, newline and backslash in these tables as octal (<c>\040</c>).</summary>
    public static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var builder = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && TryOctal(field.AsSpan(i + 1, 3), out var ch))
            {
                builder.Append(ch);
                i += 3;
            }
            else
            {
                builder.Append(field[i]);
            }
        }

        return builder.ToString();
    }

    private static IEnumerable<string> Lines(string? text) => (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static bool TryOctal(ReadOnlySpan<char> digits, out char value)
    {
        var result = 0;
        foreach (var digit in digits)
        {
            if (digit is < '0' or > '7')
            {
                value = '\0';
                return false;
            }

            result = (result * 8) + (digit - '0');
        }

        value = (char)result;
        return true;
    }
}
