namespace Passthru.Core.Boot.CommandLine;

/// <summary><c>/etc/kernel/cmdline</c>: the whole kernel line on one line (proxmox-boot-tool and kernel-install read it so).</summary>
public static class KernelCmdlineFile
{
    /// <summary>The file after the change: its first line with text edited, the rest (and the final newline) kept.</summary>
    public static string Apply(string text, ParameterChange change)
    {
        var lines = text.Split('\n');
        var index = Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (index < 0)
        {
            return string.Join(' ', KernelParameters.Apply([], change)) + "\n";
        }

        if (lines.Skip(index + 1).Any(l => l.Trim().Length > 0))
        {
            throw new BootSetupException("/etc/kernel/cmdline has more than one line with text; Passthru edits only a one-line file. Change it by hand.");
        }

        lines[index] = KernelParameters.Apply(lines[index].TrimEnd('\r'), change);
        return string.Join('\n', lines);
    }
}
