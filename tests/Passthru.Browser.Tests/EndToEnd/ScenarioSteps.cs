using System.Diagnostics;
using Microsoft.Playwright;

namespace Passthru.Browser.Tests.EndToEnd;

/// <summary>
/// Runs a scenario's steps in order: each is timed, leaves a screenshot of the page as it ended
/// (<c>NN-name.png</c>, or <c>NN-name-FAILED.png</c>), and a failure names the step it happened in.
/// A step fails at once when <paramref name="hostEnded"/> completes (the host under test is gone),
/// rather than when its longest wait runs out.
/// </summary>
public sealed class ScenarioSteps(IPage page, string screenshots, Task hostEnded, Action<string> log)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _number;

    /// <summary>The steps done so far, with their durations, for the log and the failure message.</summary>
    public List<string> Done { get; } = [];

    /// <summary>The step running now (or the one that failed).</summary>
    public string? Current { get; private set; }

    public async Task RunAsync(string name, Func<Task> step)
    {
        var file = $"{++_number:D2}-{name}";
        Current = file;
        var clock = Stopwatch.StartNew();
        log($"step {file}: start ({_clock.Elapsed.TotalSeconds:0} s into the scenario)");
        try
        {
            var running = step();
            if (await Task.WhenAny(running, hostEnded) != running)
            {
                // The step's waits fail once the page is closed; nothing more to learn from them.
                _ = running.ContinueWith(t => t.Exception, TaskScheduler.Default);
                throw new InvalidOperationException("The host under test stopped during this step.");
            }

            await running;
        }
        catch (Exception ex)
        {
            await ScreenshotAsync($"{file}-FAILED");
            throw new ScenarioStepException(file, Done, ex);
        }

        await ScreenshotAsync(file);
        Done.Add($"{file} ({clock.Elapsed.TotalSeconds:0.0} s)");
        log($"step {file}: passed in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>A screenshot within the current step (<c>NN-name-what.png</c>), of a state the step moves past.</summary>
    public Task ShotAsync(string what) => ScreenshotAsync($"{Current}-{what}");

    private async Task ScreenshotAsync(string name)
    {
        try
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, $"{name}.png"), FullPage = true, Timeout = 30_000 });
        }
        catch (PlaywrightException ex)
        {
            log($"no screenshot {name}: {ex.Message}");
        }
    }
}

/// <summary>A scenario step failed: the message starts with the step's name and lists the steps that passed before it.</summary>
public sealed class ScenarioStepException(string step, IReadOnlyList<string> done, Exception inner)
    : Exception($"Step {step} failed: {inner.Message}\nSteps passed before it: {(done.Count == 0 ? "none" : string.Join(", ", done))}", inner)
{
    public string Step { get; } = step;
}
