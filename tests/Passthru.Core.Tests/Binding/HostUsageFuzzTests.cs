using System.Text;
using Passthru.Core.Binding;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Binding;

/// <summary>
/// The procfs files a detach plan reads to say what the host would lose (mounts, swaps, routes,
/// addresses, input devices). A refusal depends on them, so a file the parser does not expect must
/// leave it knowing less, never throwing (which would turn every dry run into a 500).
/// </summary>
public class HostUsageFuzzTests
{
    [Fact]
    public async Task ProcMountsAndSwaps_MutatedCapturedFiles_NeverThrow()
    {
        var mounts = Seeds("proc/mounts");
        var swaps = Seeds("proc/swaps");
        await Fuzz.RunAsync(seed: 51, iterations: 3000, random => (Mutate(mounts, random), Mutate(swaps, random)), files =>
        {
            Assert.InRange(MountTable.ParseMounts(files.Item1).Count, 0, files.Item1.Count(c => c == '\n') + 1);
            Assert.InRange(MountTable.ParseSwaps(files.Item2).Count, 0, files.Item2.Count(c => c == '\n') + 1);
        });
    }

    [Fact]
    public async Task RoutesAndAddresses_MutatedCapturedFiles_NeverThrow()
    {
        var route = Seeds("proc/net/route");
        var ipv6Route = Seeds("proc/net/ipv6_route");
        var ifInet6 = Seeds("proc/net/if_inet6");
        var fibTrie = Seeds("proc/net/fib_trie");
        await Fuzz.RunAsync(seed: 52, iterations: 3000, random => (Mutate(route, random), Mutate(ipv6Route, random), Mutate(ifInet6, random), Mutate(fibTrie, random)), files =>
        {
            _ = ProcNetTables.Routes(files.Item1, files.Item2);
            _ = ProcNetTables.InterfaceAddresses(files.Item3, files.Item4, files.Item1);
        });
    }

    [Fact]
    public async Task KeyboardControllers_MutatedCapturedInputDevices_NeverThrow()
    {
        var devices = Seeds("proc/bus/input/devices");
        await Fuzz.RunAsync(seed: 53, iterations: 3000, random => Mutate(devices, random), text => _ = HostUsage.KeyboardControllers(text));
    }

    [Fact]
    public void ProcSwaps_LineOfBlanks_IsSkipped()
    {
        // Found by fuzzing (seed 51): a line with only blanks threw IndexOutOfRangeException.
        Assert.Equal(["/dev/vda2"], MountTable.ParseSwaps("Filename\tType\tSize\tUsed\tPriority\n \t\n/dev/vda2 partition 16380 0 -2\n"));
    }

    [Theory]
    [InlineData("zz80000000000000505400fffe123456 02 40 20 c0     eth0")] // not hex: FormatException from Convert.FromHexString
    [InlineData("fe80000000000000505400fffe123456 02 4x 20 c0     eth0")] // prefix length not hex: FormatException from int.Parse
    [InlineData("fe80000000000000505400fffe123456 02 -40 20 c0     eth0")]
    public void InterfaceAddresses_LineThatIsNotHex_IsSkippedAndTheOthersKept(string damaged)
    {
        // Found by fuzzing (seed 52).
        var addresses = ProcNetTables.InterfaceAddresses($"{damaged}\nfe80000000000000505400fffe123457 04 40 20 80     eth2\n", null, null);

        Assert.Equal(["eth2 fe80::5054:ff:fe12:3457/64"], addresses.Select(a => $"{a.Interface} {a}"));
    }

    /// <summary>The file from every captured tree, and this machine's own (a newer kernel, real routes).</summary>
    private static string[] Seeds(string relativePath)
        => FuzzSeeds.FromTrees(relativePath).Select(Encoding.UTF8.GetString)
            .Concat(File.Exists("/" + relativePath) ? [File.ReadAllText("/" + relativePath)] : [])
            .Where(text => text.Length > 0)
            .ToArray();

    private static string Mutate(string[] seeds, Random random)
        => seeds.Length == 0 || random.Next(5) == 0
            ? Mutations.RandomText(random, 300, "0123456789abcdefABCDEF \t\n:/|-.\\LOCALhostkbdS: Sysfs=H: Handlers=")
            : Mutations.Mutate(seeds[random.Next(seeds.Length)], random);
}
