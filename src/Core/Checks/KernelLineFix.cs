namespace Passthru.Core.Checks;

/// <summary>
/// A check's fix when it is a change to the kernel command line: what to add and remove, for the
/// Host page's Apply (which changes only parameters from its own allowed set).
/// </summary>
public sealed record KernelLineFix(IReadOnlyList<string> Add, IReadOnlyList<string> Remove);
