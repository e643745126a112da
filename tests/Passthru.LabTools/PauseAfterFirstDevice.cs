using Passthru.Core.Binding;

namespace Passthru.LabTools;

/// <summary>After the first device has moved, writes the marker file and waits, so the test can kill the process between two steps.</summary>
internal sealed class PauseAfterFirstDevice(string marker) : IBindingProgress
{
    public async Task OnStepAsync(BindingStep step)
    {
        if (step.Kind == BindingStepKind.DeviceMoved)
        {
            await File.WriteAllTextAsync(marker, $"{step.OperationId} {step.Device}\n");
            await Task.Delay(TimeSpan.FromMinutes(10));
        }
    }
}
