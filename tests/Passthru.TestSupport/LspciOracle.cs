using System.Diagnostics;

namespace Passthru.TestSupport;

/// <summary>
/// The reference oracle: lspci (pciutils) reading the same captured tree through its sysfs
/// backend, with the udev hwdb off so names come from pci.ids as ours do.
/// </summary>
public static class LspciOracle
{
    public const string Executable = "/usr/bin/lspci";

    /// <summary>One record of <c>lspci -vmm -nn -k -D</c>: field name → value (Slot, Class, Vendor, Device, SVendor, ...).</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Read(string treeRoot)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing: install pciutils (the test command does).");
        }

        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "-A", "linux-sysfs", "-O", $"sysfs.path={treeRoot}/sys/bus/pci", "-O", "hwdb.disable=1", "-vmm", "-nn", "-k", "-D" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"lspci failed with {process.ExitCode}: {process.StandardError.ReadToEnd()}");
        }

        return Parse(output);
    }

    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Parse(string output)
        => output.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(record => (IReadOnlyDictionary<string, string>)record.Split('\n')
                .Select(line => line.Split(":\t", 2))
                .Where(parts => parts.Length == 2)
                .GroupBy(parts => parts[0])
                .ToDictionary(g => g.Key, g => g.First()[1]))
            .ToArray();
}
