using Passthru.Core.Pci;

namespace Passthru.Core.Binding;

public enum BindingStepKind
{
    /// <summary>The intent is on disk; sysfs writes follow.</summary>
    IntentJournaled,

    /// <summary>One device reached its new driver.</summary>
    DeviceMoved,
}

public sealed record BindingStep(long OperationId, BindingStepKind Kind, PciAddress? Device);

/// <summary>Hears each step of an operation as it completes: for progress display, and for the lab's kill-between-steps test.</summary>
public interface IBindingProgress
{
    Task OnStepAsync(BindingStep step);
}
