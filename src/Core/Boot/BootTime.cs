using System.Globalization;
using Passthru.Core.Host;

namespace Passthru.Core.Boot;

/// <summary>When the running kernel booted: <c>btime</c> in <c>/proc/stat</c>, in seconds since the epoch.</summary>
public static class BootTime
{
    /// <summary>The boot time, or null when the host root has no readable <c>/proc/stat</c> (a captured tree).</summary>
    public static DateTimeOffset? Read(HostRoot root)
    {
        var path = root.Resolve("proc/stat");
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith("btime ", StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan(6).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                    && seconds is > 0 and < 253402300799)
                {
                    return DateTimeOffset.FromUnixTimeSeconds(seconds);
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }
}
