using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Passthru.TestSupport;
using Xunit.Abstractions;

namespace Passthru.Browser.Tests.EndToEnd;

/// <summary>
/// Runs alone, after the other browser tests: the lab's emulated CPUs take all of this machine's cores,
/// and the other tests' deadlines were not set for that.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NestedLabCollection
{
    public const string Name = "nested lab";
}

/// <summary>
/// The whole story on a real kernel, from this machine's Chromium to a guest and back
/// (<see cref="PassthroughScenario"/>). One boot of L1 and one of L2. L1 boots with
/// softlockup_panic=1; when its kernel stops or hangs, or L2 stalls (<see cref="NestedGuestStalledException"/>),
/// the scenario is run once more on a fresh boot, and the test's output says so. Everything lands in test-results/e2e/attempt-N/:
/// screenshots/NN-step.png, lab/ (L1's and L2's consoles, Passthru's and libvirt's logs), scenario.log.
/// </summary>
[Collection(NestedLabCollection.Name)]
public sealed class EndToEndTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private static readonly string Results = Path.Combine(RepositoryPaths.Root, "test-results", "e2e");

    [NestedLabFact]
    public async Task SoundCardInASharedGroup_GivenToAGuestFromTheBrowser_ComesBackWhenTheGuestStops()
    {
        if (Directory.Exists(Results))
        {
            Directory.Delete(Results, recursive: true);
        }

        for (var attempt = 1; ; attempt++)
        {
            var directory = Path.Combine(Results, $"attempt-{attempt}");
            var log = Logger(directory);
            var clock = Stopwatch.StartNew();
            NestedLab? lab = null;
            try
            {
                lab = await NestedLab.StartAsync(Path.Combine(directory, "lab"), Environment.GetEnvironmentVariable(PublishedAppFactAttribute.Variable)!,
                    PamTestAccounts.Service, log);
                await RunScenarioAsync(lab, Path.Combine(directory, "screenshots"), log);
                log($"scenario passed; L1 boot + scenario took {clock.Elapsed.TotalSeconds:0} s");
                return;
            }
            catch (Exception ex) when (attempt == 1)
            {
                var hung = lab is null ? ex.Message.Contains("its kernel stopped", StringComparison.Ordinal) : await lab.HasHungAsync();
                var stalled = Causes(ex).Any(cause => cause is NestedGuestStalledException);
                if (!hung && !stalled)
                {
                    ExceptionDispatchInfo.Throw(ex);
                }

                log($"RETRY: {(hung ? "L1's kernel stopped or hung" : "L2 stalled")} (console: {lab?.ConsolePath}); running the scenario once more on a fresh boot. The failure was: {ex.Message}");
            }
            finally
            {
                if (lab is not null)
                {
                    await lab.DisposeAsync();
                }
            }
        }
    }

    private static IEnumerable<Exception> Causes(Exception ex)
    {
        for (Exception? cause = ex; cause is not null; cause = cause.InnerException)
        {
            yield return cause;
        }
    }

    private async Task RunScenarioAsync(NestedLab lab, string screenshots, Action<string> log)
    {
        Directory.CreateDirectory(screenshots);
        var context = await browser.Browser.NewContextAsync(new() { IgnoreHTTPSErrors = true, ViewportSize = new() { Width = 1680, Height = 1000 } });
        try
        {
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(60_000);
            var steps = new ScenarioSteps(page, screenshots, lab.Ended, log);
            try
            {
                await new PassthroughScenario(lab, page, steps).RunAsync();
            }
            catch (ScenarioStepException ex)
            {
                throw new ScenarioStepException(ex.Step, steps.Done,
                    new InvalidOperationException($"{ex.InnerException!.Message}\nL1's console ({lab.ConsolePath}), last lines:\n{lab.ConsoleTail()}", ex.InnerException));
            }
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    /// <summary>Each line to the test's output and to attempt-N/scenario.log, with the time.</summary>
    private Action<string> Logger(string directory)
    {
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, "scenario.log");
        return line =>
        {
            var stamped = $"{DateTime.Now:HH:mm:ss} {line}";
            output.WriteLine(stamped);
            File.AppendAllText(file, stamped + Environment.NewLine);
        };
    }
}
