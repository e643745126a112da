namespace Passthru.Core.Safety;

/// <summary>What blkid found on a block device, as udev keeps it: <c>E:ID_FS_TYPE=zfs_member</c>, <c>E:ID_FS_LABEL=rpool</c>.</summary>
internal sealed record UdevFilesystem(string? Type, string? Label, string? Uuid)
{
    /// <summary>
    /// One /run/udev/data/bMAJ:MIN file. Only the <c>E:ID_FS_*</c> lines are read; a line that is not
    /// <c>KEY=value</c> is skipped. Each value as udev wrote it (ID_FS_LABEL has unsafe characters replaced).
    /// </summary>
    public static UdevFilesystem Parse(string? text)
    {
        string? type = null, label = null, uuid = null;
        foreach (var line in (text ?? "").Split('\n'))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (!line.StartsWith("E:ID_FS_", StringComparison.Ordinal) || equals < 0)
            {
                continue;
            }

            var value = line[(equals + 1)..].Trim();
            switch (line[2..equals])
            {
                case "ID_FS_TYPE":
                    type = value;
                    break;
                case "ID_FS_LABEL":
                    label = value;
                    break;
                case "ID_FS_UUID":
                    uuid = value;
                    break;
            }
        }

        return new UdevFilesystem(type, label, uuid);
    }
}
