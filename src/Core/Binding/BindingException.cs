namespace Passthru.Core.Binding;

/// <summary>
/// A step of a bind or unbind failed; the message says which step, on which device, and what the
/// kernel did. <see cref="LikelyCause"/> says, where the step knows it, what usually makes it fail
/// that way and what to do.
/// </summary>
public class BindingException(string message, string? likelyCause = null) : Exception(message)
{
    public string? LikelyCause { get; } = likelyCause;

    /// <summary>The message with its likely cause, as the history and the dialogs show it.</summary>
    public string Explained => LikelyCause is null ? Message : $"{Message} Likely cause: {LikelyCause}";
}

/// <summary>
/// A sysfs write did not return in time: a driver hangs in its remove or probe. The write cannot be
/// cancelled (it waits in the kernel); the device's state stays unknown until it returns.
/// </summary>
public sealed class BindingHangException(string message, string? likelyCause = null) : BindingException(message, likelyCause);
