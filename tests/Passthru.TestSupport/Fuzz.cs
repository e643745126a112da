using System.Globalization;
using System.Text;

namespace Passthru.TestSupport;

/// <summary>
/// Runs a parser's fuzz cases: a fixed number of inputs made from one seed, each checked, the whole
/// run under a watchdog. A failure names the seed and the case, so it can be reproduced
/// (<c>PASSTHRU_FUZZ_SEED=…</c>), and writes the failing input to a file beside the message.
/// </summary>
/// <remarks>
/// The seed is fixed by default so that a run is repeatable in CI. <c>PASSTHRU_FUZZ_SEED</c> picks
/// another and <c>PASSTHRU_FUZZ_SCALE</c> multiplies the iterations, for a longer hunt by hand.
/// </remarks>
public static class Fuzz
{
    /// <summary>How long a whole run may take before it counts as a hang: far above a run's real time, so only a loop trips it.</summary>
    public static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(60);

    private static readonly string? SeedOverride = Environment.GetEnvironmentVariable("PASSTHRU_FUZZ_SEED");

    private static readonly int Scale = int.TryParse(Environment.GetEnvironmentVariable("PASSTHRU_FUZZ_SCALE"), NumberStyles.None, CultureInfo.InvariantCulture, out var scale) && scale > 0 ? scale : 1;

    /// <summary>
    /// Makes <paramref name="iterations"/> inputs with <paramref name="makeInput"/> and checks each with
    /// <paramref name="check"/>, which may throw only <paramref name="allowed"/> exception types (the
    /// parser's documented ones). Throws <see cref="FuzzFailure"/> naming the seed and the case otherwise,
    /// or when the run does not end within <see cref="HangLimit"/>.
    /// </summary>
    public static async Task RunAsync<T>(int seed, int iterations, Func<Random, T> makeInput, Action<T> check, params Type[] allowed)
    {
        seed = SeedOverride is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : seed;
        var current = new CurrentCase();
        var run = Task.Factory.StartNew(() => Loop(seed, iterations * Scale, makeInput, check, allowed, current), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await run.WaitAsync(HangLimit * Scale);
        }
        catch (TimeoutException)
        {
            // The looping thread cannot be stopped; the test fails now rather than blocking the run, and says which input hung.
            throw Failure(seed, current.Iteration, current.Input, $"did not finish within {HangLimit * Scale} (a hang or a runaway loop)", null);
        }
    }

    /// <summary>Bytes allocated on this thread while <paramref name="action"/> runs: parsers must stay proportional to their input.</summary>
    public static long AllocatedBy(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static void Loop<T>(int seed, int iterations, Func<Random, T> makeInput, Action<T> check, Type[] allowed, CurrentCase current)
    {
        var random = new Random(seed);
        for (var i = 0; i < iterations; i++)
        {
            var input = makeInput(random);
            (current.Iteration, current.Input) = (i, input);
            try
            {
                check(input);
            }
            catch (Exception e) when (allowed.Contains(e.GetType()))
            {
                // The parser's documented answer to input it cannot read.
            }
            catch (Exception e)
            {
                throw Failure(seed, i, input, $"threw {e.GetType().Name}: {e.Message}", e);
            }
        }
    }

    private static FuzzFailure Failure(int seed, int iteration, object? input, string what, Exception? inner)
    {
        var file = Scratch.NewPath("passthru-fuzz-failure") + ".bin";
        var bytes = input switch
        {
            byte[] b => b,
            string s => Encoding.UTF8.GetBytes(s),
            IEnumerable<KeyValuePair<string, byte[]>> files => files.SelectMany(f => Encoding.UTF8.GetBytes($"\n=== {f.Key} ===\n").Concat(f.Value)).ToArray(),
            IEnumerable<byte[]> several => several.SelectMany(b => b.Concat(Encoding.ASCII.GetBytes("\n=== next input ===\n"))).ToArray(),
            null => [],
            _ => Encoding.UTF8.GetBytes(input.ToString() ?? ""),
        };
        File.WriteAllBytes(file, bytes);
        return new FuzzFailure(
            $"Fuzz case {iteration} of seed {seed} {what}. Reproduce with PASSTHRU_FUZZ_SEED={seed}; the input ({bytes.Length} bytes) is in {file}: {Shown(bytes)}",
            inner);
    }

    /// <summary>The start of the input with control bytes escaped, for the failure message.</summary>
    private static string Shown(byte[] bytes)
    {
        var builder = new StringBuilder();
        foreach (var b in bytes.Take(300))
        {
            builder.Append(b is >= 0x20 and < 0x7f ? ((char)b).ToString() : $"\\x{b:x2}");
        }

        return bytes.Length > 300 ? builder.Append('…').ToString() : builder.ToString();
    }

    private sealed class CurrentCase
    {
        public volatile int Iteration;
        public volatile object? Input;
    }
}

/// <summary>A fuzz case that crashed, hung, or broke a property; the message says how to reproduce it.</summary>
public sealed class FuzzFailure(string message, Exception? inner) : Exception(message, inner);
