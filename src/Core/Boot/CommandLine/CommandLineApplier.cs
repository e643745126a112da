using Passthru.Core.Changes;
using Passthru.Core.History;
using Passthru.Core.Host;

namespace Passthru.Core.Boot.CommandLine;

/// <summary>The kernel's line as configured and as running, and whether a reboot is pending.</summary>
/// <param name="Configured">The words the setup's file gives the next boot; null when the setup is not recognised or its file unreadable.</param>
public sealed record CommandLineStatus(BootSetup Setup, IReadOnlyList<string>? Configured, IReadOnlyList<string> Running, RebootPending? Pending);

/// <summary>How an Apply ended.</summary>
/// <param name="Status">Null for a dry run.</param>
/// <param name="Backups">The copies made before writing, as the host spells them.</param>
public sealed record CommandLineResult(CommandLinePlan Plan, OperationStatus? Status, string Message, long? OperationId, IReadOnlyList<ToolRun> Runs,
    IReadOnlyList<string> Backups, bool PlanChanged = false, string? ChangeInProgress = null);

/// <summary>
/// Applies a kernel command line change: plan, journal, back up, write, run the host's own tool, journal
/// the outcome. It goes through the one change queue, like every other change to the host. When a tool
/// fails, the files Passthru wrote get their old text back.
/// </summary>
/// <param name="hostRoot">Where the running kernel's <c>/proc/cmdline</c> is read.</param>
/// <param name="configRoot">Where the boot files are (<c>/</c> on a real host); tools run chrooted into it when it is not <c>/</c>.</param>
public sealed class CommandLineApplier(HostRoot hostRoot, HostRoot configRoot, OperationJournal journal, HostChangeQueue queue, ToolRunner runner,
    TimeProvider timeProvider)
{
    public HostRoot ConfigRoot => configRoot;

    public CommandLineStatus Status()
    {
        var setup = BootSetupDetector.Detect(configRoot);
        var running = KernelParameters.Split(ReadProc("cmdline") ?? "");
        var configured = CommandLinePlanner.ConfiguredWords(configRoot, setup, ReadProc("sys/kernel/osrelease")?.Trim());
        return new CommandLineStatus(setup, configured, running, configured is null ? null : RebootPending.Compare(configured, running));
    }

    public async Task<CommandLineResult> DryRunAsync(ParameterChange change, CancellationToken cancellationToken = default)
    {
        var (plan, inProgress) = await queue.DryRunAsync(() => Task.FromResult(Plan(change)), cancellationToken);
        return new CommandLineResult(plan, null, Describe(plan), null, [], [], ChangeInProgress: inProgress);
    }

    /// <param name="fingerprint">Of the plan the caller looked at; when the plan differs now, nothing is done.</param>
    public Task<CommandLineResult> ApplyAsync(ParameterChange change, Actor actor, string? fingerprint, CancellationToken cancellationToken = default)
        => queue.RunAsync("kernel command line change", async () =>
        {
            var plan = Plan(change);
            var target = plan.Setup.IsRecognised ? plan.Setup.File : "kernel command line";
            if (plan.Refusal is { } refusal)
            {
                await journal.RecordRefusalAsync(actor, OperationAction.ApplyKernelCommandLine, target, [], $"{change}: {refusal}", CancellationToken.None);
                return new CommandLineResult(plan, OperationStatus.Refused, refusal, null, [], []);
            }

            if (fingerprint is not null && fingerprint != plan.Fingerprint)
            {
                const string changed = "The boot files changed since the plan was shown; nothing was done. Look at the new plan.";
                await journal.RecordRefusalAsync(actor, OperationAction.ApplyKernelCommandLine, target, [], $"{change}: {changed}", CancellationToken.None);
                return new CommandLineResult(plan, OperationStatus.Refused, changed, null, [], [], PlanChanged: true);
            }

            var id = await journal.BeginAsync(actor, OperationAction.ApplyKernelCommandLine, target, false, [], CancellationToken.None,
                mode: string.Join(' ', plan.Commands.Select(c => c.Display)));
            var (status, message, runs, backups) = await RunAsync(plan);
            await journal.FinishAsync(id, status, message, OperationJournal.NoDevices, CancellationToken.None);
            return new CommandLineResult(plan, status, message, id, runs, backups);
        }, cancellationToken);

    private CommandLinePlan Plan(ParameterChange change) => CommandLinePlanner.Plan(configRoot, change, timeProvider.GetUtcNow());

    private async Task<(OperationStatus, string, IReadOnlyList<ToolRun>, IReadOnlyList<string>)> RunAsync(CommandLinePlan plan)
    {
        var stamp = timeProvider.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var backups = new List<(FileEdit Edit, string Backup)>();
        try
        {
            foreach (var edit in plan.Edits)
            {
                var backup = $"{edit.Path}.passthru-{stamp}.bak";
                File.Copy(Real(edit.Path), configRoot.Resolve(backup.TrimStart('/')), overwrite: false);
                backups.Add((edit, backup));
            }

            foreach (var edit in plan.Edits.Where(e => !e.WrittenByTool))
            {
                WriteReplacing(Real(edit.Path), edit.After);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Restore(backups.Where(b => !b.Edit.WrittenByTool));
            return (OperationStatus.RolledBack, $"{plan.Change}: writing the boot files failed ({ex.Message}); they were put back as they were.", [], []);
        }

        var backupText = backups.Count == 0 ? "the files already held this line" : "backup: " + string.Join(", ", backups.Select(b => b.Backup));
        var runs = new List<ToolRun>();
        foreach (var command in plan.Commands)
        {
            var run = await runner.RunAsync(command);
            runs.Add(run);
            if (!run.Succeeded)
            {
                Restore(backups.Where(b => !b.Edit.WrittenByTool));
                var why = run.TimedOut ? "did not finish in time" : run.ExitCode is { } code ? $"exited with {code}" : "could not be started";
                return (OperationStatus.RolledBack,
                    $"{plan.Change}: `{run.Command}` {why}; the files Passthru wrote were put back ({backupText}). Its output: {Tail(run.Output)}",
                    runs, backups.Select(b => b.Backup).ToArray());
            }
        }

        return (OperationStatus.Succeeded,
            $"{plan.Change}: {backupText}; ran {string.Join(", ", runs.Select(r => $"`{r.Command}`"))}. Reboot to use the new line. Output: {Tail(string.Concat(runs.Select(r => r.Output)))}",
            runs, backups.Select(b => b.Backup).ToArray());
    }

    private void Restore(IEnumerable<(FileEdit Edit, string Backup)> backups)
    {
        foreach (var (edit, _) in backups)
        {
            WriteReplacing(Real(edit.Path), edit.Before);
        }
    }

    private string Real(string path) => configRoot.RealPath(path.TrimStart('/')) ?? throw new IOException($"{path} is gone, or is now a link out of {configRoot.Path}.");

    /// <summary>Written beside the file and renamed over it, keeping its mode: a crash leaves the old file or the new one, never half of one.</summary>
    private static void WriteReplacing(string path, string text)
    {
        var temporary = path + ".passthru-new";

        // Made afresh (CreateNew): whatever was left under that name, a link too, is removed and never written through.
        File.Delete(temporary);
        using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, File.GetUnixFileMode(path));
        }

        File.Move(temporary, path, overwrite: true);
    }

    private string? ReadProc(string name)
    {
        var path = hostRoot.RealPath("proc/" + name);
        return path is null ? null : File.ReadAllText(path);
    }

    private static string Tail(string output) => output.Length <= 1500 ? output.Trim() : "…" + output[^1500..].Trim();

    private static string Describe(CommandLinePlan plan)
        => plan.Refusal ?? (plan.FilesUnchanged
            ? $"The files already hold this line; Apply would run {string.Join(", ", plan.Commands.Select(c => $"`{c.Display}`"))} again."
            : $"Apply would change {string.Join(", ", plan.Edits.Select(e => e.Path))} and run {string.Join(", ", plan.Commands.Select(c => $"`{c.Display}`"))}.");
}
