using Passthru.Core.Binding;

namespace Passthru.Web.CommandLine;

/// <summary>
/// FAULT INJECTION for the lab's crash test, off unless PASSTHRU_LAB_PAUSE_MARKER is set: after the
/// first device has moved, the command writes the marker file and waits, so the test can kill it
/// between two steps and check what the next start finds in the journal.
/// </summary>
internal sealed class LabPause(string marker) : IBindingProgress
{
    public const string Variable = "PASSTHRU_LAB_PAUSE_MARKER";

    public static LabPause? FromEnvironment()
        => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } marker ? new LabPause(marker) : null;

    public async Task OnStepAsync(BindingStep step)
    {
        if (step.Kind == BindingStepKind.DeviceMoved)
        {
            await File.WriteAllTextAsync(marker, $"{step.OperationId} {step.Device}\n");
            await Task.Delay(TimeSpan.FromMinutes(10));
        }
    }
}
