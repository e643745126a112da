using System.Diagnostics.CodeAnalysis;
using Passthru.Core.Host;

namespace Passthru.Core.Libvirt;

/// <summary>
/// A guest's name from a request, checked before libvirt is asked. libvirt takes C strings, so a NUL
/// ends the name early: <c>vm-running%00x</c> in a URL would start or shut down <c>vm-running</c>
/// itself. Control characters are refused with it (no guest name holds one), and a blank name.
/// </summary>
public static class GuestName
{
    public static bool IsValid([NotNullWhen(true)] string? name, [NotNullWhen(false)] out string? error)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            error = "A guest name is required.";
            return false;
        }

        if (name.Any(char.IsControl))
        {
            error = $"'{PrintableText.Of(name, 64)}' is not a guest name: it holds a control character (a NUL would cut the name short in libvirt).";
            return false;
        }

        error = null;
        return true;
    }

    /// <exception cref="ArgumentException">The name is blank or holds a control character.</exception>
    public static void Validate(string? name, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(name))] string? parameter = null)
    {
        if (!IsValid(name, out var error))
        {
            throw new ArgumentException(error, parameter);
        }
    }
}
