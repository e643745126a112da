using System.Diagnostics;
using System.Text;

namespace Passthru.Core.Boot;

/// <summary>Runs the distribution's own initramfs command, with a time limit, and says how it ended in a line.</summary>
public sealed class InitramfsRegenerator(TimeSpan timeout)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Runs it; the outcome as a sentence for the history, and whether it succeeded.</summary>
    public async Task<(bool Succeeded, string Outcome)> RunAsync(InitramfsTool tool, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(tool.Regenerate[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in tool.Regenerate.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Keep(output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (false, $"`{tool.RegenerateCommand}` could not be started ({ex.Message}): run it yourself before the next boot.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (false, $"`{tool.RegenerateCommand}` did not finish within {timeout.TotalMinutes:0} minutes and was stopped: run it yourself before the next boot.");
        }

        string tail;
        lock (output)
        {
            tail = output.ToString().Trim();
        }

        return process.ExitCode == 0
            ? (true, $"Rebuilt the initramfs with `{tool.RegenerateCommand}`.")
            : (false, $"`{tool.RegenerateCommand}` failed (exit {process.ExitCode}): {Last(tail, 600)} Run it yourself before the next boot.");
    }

    private static void Keep(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            // The last lines say why it failed; a chatty tool's megabytes are not kept.
            if (output.Length > 64 * 1024)
            {
                output.Remove(0, output.Length - 32 * 1024);
            }

            output.AppendLine(line);
        }
    }

    private static string Last(string text, int length) => text.Length <= length ? text : "…" + text[^length..];
}
