namespace Passthru.Core.Binding;

/// <summary>A step of a bind or unbind failed; the message says which step, on which device, and what the kernel did.</summary>
public class BindingException(string message) : Exception(message);

/// <summary>
/// A sysfs write did not return in time: a driver hangs in its remove or probe. The write cannot be
/// cancelled (it waits in the kernel); the device's state stays unknown until it returns.
/// </summary>
public sealed class BindingHangException(string message) : BindingException(message);
