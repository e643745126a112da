using System.Globalization;

namespace Passthru.Browser.Tests.EndToEnd;

/// <summary>
/// The test's independent view of L1: questions its e2e mode answers from the kernel's own sysfs and
/// /proc, from virsh, and from L2's serial console. There is no ssh in the lab, so questions and
/// answers are files in the run directory (L1's /out, 9p): requests/N.cmd ("VERB ARGS"), answered in
/// N.out and then N.rc. Each file is renamed into place whole, so neither side reads half of one.
/// </summary>
public sealed class LabBackend(string directory, Func<bool> labEnded)
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);

    private int _next;

    /// <summary>Asks L1 (<c>drivers ADDR...</c>, <c>group ADDR</c>, <c>virsh ARGS...</c>, <c>l2-console</c>, <c>interrupts</c>) and returns the answer.</summary>
    /// <exception cref="TimeoutException">L1 did not answer in time (it hangs, or is very slow).</exception>
    /// <exception cref="InvalidOperationException">The command failed in L1, or L1 is gone.</exception>
    public async Task<string> AskAsync(string request, TimeSpan? timeout = null)
    {
        var requests = Path.Combine(directory, "requests");
        var id = Path.Combine(requests, Interlocked.Increment(ref _next).ToString("D4", CultureInfo.InvariantCulture));
        await File.WriteAllTextAsync(id + ".tmp", request + "\n");
        File.Move(id + ".tmp", id + ".cmd");
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!File.Exists(id + ".rc"))
        {
            if (labEnded())
            {
                throw new InvalidOperationException($"L1 has stopped; nobody answers '{request}'.");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"L1 did not answer '{request}' within {(timeout ?? DefaultTimeout).TotalSeconds} s.");
            }

            await Task.Delay(200);
        }

        var output = await File.ReadAllTextAsync(id + ".out");
        var code = (await File.ReadAllTextAsync(id + ".rc")).Trim();
        return code == "0" ? output : throw new InvalidOperationException($"'{request}' failed in L1 (exit {code}): {output.Trim()}");
    }

    /// <summary>Each function's driver as L1's sysfs has it ("" for none).</summary>
    public async Task<IReadOnlyDictionary<string, string>> DriversAsync(params string[] addresses)
        => (await AskAsync($"drivers {string.Join(' ', addresses)}"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', 2))
            .ToDictionary(f => f[0], f => f.Length > 1 ? f[1].Trim() : "");

    /// <summary>The function's IOMMU group number, from its iommu_group link.</summary>
    public async Task<int> GroupAsync(string address)
        => int.Parse((await AskAsync($"group {address}")).Split(' ')[1].Trim(), CultureInfo.InvariantCulture);

    /// <summary>virsh on qemu:///system in L1; arguments are single words.</summary>
    public Task<string> VirshAsync(params string[] arguments) => AskAsync($"virsh {string.Join(' ', arguments)}");

    /// <summary>Everything L2 has written to its serial console (a file in L1).</summary>
    public Task<string> L2ConsoleAsync() => AskAsync("l2-console");

    /// <summary>L1's /proc/interrupts.</summary>
    public Task<string> InterruptsAsync() => AskAsync("interrupts");
}
