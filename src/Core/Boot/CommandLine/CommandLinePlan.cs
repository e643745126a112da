using Passthru.Core.Changes;

namespace Passthru.Core.Boot.CommandLine;

/// <summary>One file an Apply changes: its text before and after, the diff a person reads first, and where the old text is kept.</summary>
/// <param name="Path">As the host spells it: <c>/etc/default/grub</c>.</param>
/// <param name="Backup">Where the text before is copied first (the time in its name is the plan's; the apply's own is in its result).</param>
/// <param name="WrittenByTool">The tool writes this file itself (grubby): the diff is what it is asked to do.</param>
public sealed record FileEdit(string Path, string Before, string After, string Diff, string Backup, bool WrittenByTool);

/// <summary>What an Apply would do: the files and their diffs, the tool's commands; or why it will not.</summary>
/// <param name="Refusal">Why nothing will be done (the setup is not recognised, a file is not plain enough to edit); null when it can go ahead.</param>
public sealed record CommandLinePlan(BootSetup Setup, ParameterChange Change, IReadOnlyList<FileEdit> Edits, IReadOnlyList<ToolCommand> Commands, string? Refusal)
{
    /// <summary>Of what the apply depends on (not the backups' times): send it back to act only on what was seen.</summary>
    public string Fingerprint => PlanFingerprint.Of([
        Setup.Kind.ToString(), Setup.File, Setup.Tool, Change.ToString(), Refusal,
        .. Edits.SelectMany(e => new[] { e.Path, e.Before, e.After }),
        .. Commands.Select(c => c.Display),
    ]);

    /// <summary>The files already say this: the tool still runs, so a line edited by hand reaches the boot loader.</summary>
    public bool FilesUnchanged => Edits.Count == 0;
}
