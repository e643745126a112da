using System.Reflection;
using System.Text.Json;
using Passthru.Core.Capture;

namespace Passthru.Web.CommandLine;

/// <summary>
/// <c>capture OUTPUT.tar.gz [--json]</c>: what Passthru reads of this host, as an archive to attach to a
/// bug report (see <see cref="CaptureScope"/> for what it holds and leaves out). Anyone opens it with
/// <c>--host-root OUTPUT.tar.gz</c>. An existing file is never overwritten.
/// </summary>
internal static class CaptureCommand
{
    public static readonly string[] Switches = ["json"];

    public static int Run(CommandArguments arguments, CommandSettings settings, TextWriter output, TextWriter error)
    {
        if (arguments.Positional is not [var destination])
        {
            throw new UsageException("usage: capture OUTPUT.tar.gz [--json] [--host-root DIR]");
        }

        destination = Path.GetFullPath(destination);
        if (File.Exists(destination) || Directory.Exists(destination))
        {
            throw new UsageException($"{destination} already exists; give another name or remove it first.");
        }

        var root = settings.HostRoot();
        var partial = destination + ".partial";
        CaptureManifest manifest;
        try
        {
            using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write))
            {
                manifest = HostCapture.Write(root, file, ToolVersion(), DateTimeOffset.UtcNow);
            }

            File.Move(partial, destination);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            File.Delete(partial);
            throw new UsageException($"Cannot write {destination}: {ex.Message}");
        }

        if (arguments.Has("json"))
        {
            output.WriteLine(JsonSerializer.Serialize(manifest, HostCommands.Json));
        }
        else
        {
            output.WriteLine($"Wrote {destination}: {manifest.Files} files, {manifest.Links} links, {manifest.Directories} directories " +
                $"from {manifest.HostRoot} (kernel {manifest.Kernel ?? "unknown"}).");
        }

        foreach (var note in manifest.Notes)
        {
            error.WriteLine($"note: {note}");
        }

        if (manifest.Skipped.Count > 0)
        {
            error.WriteLine($"note: {manifest.Skipped.Count} path(s) could not be read and are listed in {CaptureManifest.FileName} inside the archive.");
        }

        return HostCommands.Succeeded;
    }

    private static string ToolVersion()
        => typeof(CaptureCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
