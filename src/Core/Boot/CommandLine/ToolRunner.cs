using System.Diagnostics;
using System.Text;

namespace Passthru.Core.Boot.CommandLine;

/// <summary>What a boot tool printed and how it ended; its output goes into the history.</summary>
public sealed record ToolRun(string Command, int? ExitCode, string Output, bool TimedOut)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;
}

/// <summary>Runs a boot tool with a fixed PATH and a time limit (a grub.cfg or an initramfs is regenerated in seconds to a minute).</summary>
public sealed class ToolRunner(TimeSpan timeout)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The most of a tool's output kept: enough for the lines that say what went wrong.</summary>
    public const int MaxOutput = 64 * 1024;

    public async Task<ToolRun> RunAsync(ToolCommand command)
    {
        var start = new ProcessStartInfo(command.Arguments[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Arguments.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        // The service's own environment is not the tools': they expect the sbin folders and no locale surprises.
        start.Environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        start.Environment["LC_ALL"] = "C";

        var output = new StringBuilder();
        void Keep(string? line)
        {
            lock (output)
            {
                if (line is not null && output.Length < MaxOutput)
                {
                    output.Append(line).Append('\n');
                }
            }
        }

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new ToolRun(command.Display, null, $"could not be started: {ex.Message}", false);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            return new ToolRun(command.Display, null, Text(output) + $"(stopped after {timeout.TotalSeconds:0} s)", true);
        }

        return new ToolRun(command.Display, process.ExitCode, Text(output), false);
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}

/// <summary>A tool's command as argument words (never a shell line), and how it reads to a person.</summary>
public sealed record ToolCommand(IReadOnlyList<string> Arguments)
{
    public string Display => string.Join(' ', Arguments.Select(Quote));

    private static string Quote(string word)
        => word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@".Contains(c, StringComparison.Ordinal)) ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
