using Passthru.Core.Capture;

namespace Passthru.Web.CommandLine;

/// <summary>
/// Lets <c>--host-root</c> name a capture archive (<c>passthru capture</c>'s tar.gz) as well as a
/// directory: the archive is unpacked into a private temporary directory, which replaces it in the
/// arguments and is deleted when the caller disposes the <see cref="UnpackedCapture"/>.
/// </summary>
public static class HostRootArgument
{
    private static readonly string[] Names = ["--host-root", "--Passthru:HostRoot"];

    /// <returns>The arguments to use, and the unpacked archive (null when the host root is not one).</returns>
    /// <exception cref="HostRootArchiveException">
    /// The archive is damaged, holds what a capture never does, or cannot be unpacked (an entry leaving
    /// the directory, a full disk, no permission).
    /// </exception>
    public static (string[] Arguments, UnpackedCapture? Unpacked) UnpackArchive(IReadOnlyList<string> args)
    {
        var result = args.ToArray();
        for (var i = 0; i < result.Length; i++)
        {
            var (valueIndex, prefix) = ValueOf(result, i);
            if (valueIndex < 0 || !UnpackedCapture.IsArchive(Value(result[valueIndex], prefix)))
            {
                continue;
            }

            UnpackedCapture unpacked;
            try
            {
                unpacked = UnpackedCapture.Unpack(Value(result[valueIndex], prefix));
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                throw new HostRootArchiveException($"The host root archive cannot be opened: {ex.Message}", ex);
            }

            result[valueIndex] = prefix + unpacked.Path;
            return (result, unpacked);
        }

        return (result, null);
    }

    /// <summary>Where the host root's value is: the next word (<c>--host-root X</c>), or this one after <c>=</c>.</summary>
    private static (int Index, string Prefix) ValueOf(string[] args, int i)
    {
        foreach (var name in Names)
        {
            if (string.Equals(args[i], name, StringComparison.OrdinalIgnoreCase) && i + 1 < args.Length)
            {
                return (i + 1, "");
            }

            if (args[i].StartsWith(name + "=", StringComparison.OrdinalIgnoreCase))
            {
                return (i, args[i][..(name.Length + 1)]);
            }
        }

        return (-1, "");
    }

    private static string Value(string word, string prefix) => word[prefix.Length..];
}
