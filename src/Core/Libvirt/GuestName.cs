using System.Diagnostics.CodeAnalysis;
using System.Text;
using Passthru.Core.Host;

namespace Passthru.Core.Libvirt;

/// <summary>
/// A guest's name from a request, checked before libvirt is asked and before anything is journaled.
/// libvirt takes C strings, so a NUL ends the name early: <c>vm-running%00x</c> in a URL would start or
/// shut down <c>vm-running</c> itself. Control characters and line breaks are refused with it (no guest
/// name holds one), a blank name, and a name longer than libvirt could have.
/// </summary>
public static class GuestName
{
    /// <summary>libvirt keeps a guest's definition as <c>NAME.xml</c>, and a file name is at most 255 bytes.</summary>
    public const int MaxUtf8Bytes = 255 - 4;

    public static bool IsValid([NotNullWhen(true)] string? name, [NotNullWhen(false)] out string? error)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            error = "A guest name is required.";
            return false;
        }

        // Measured in characters first, so that a megabyte of name is not encoded only to be refused.
        if (name.Length > MaxUtf8Bytes || Encoding.UTF8.GetByteCount(name) > MaxUtf8Bytes)
        {
            error = $"'{PrintableText.Of(name, 64)}' is not a guest name: libvirt's names are at most {MaxUtf8Bytes} bytes (the definition is kept as NAME.xml).";
            return false;
        }

        if (!PrintableText.IsPrintable(name))
        {
            error = $"'{PrintableText.Of(name, 64)}' is not a guest name: it holds a control character or line break (a NUL would cut the name short in libvirt).";
            return false;
        }

        error = null;
        return true;
    }

    /// <exception cref="ArgumentException">The name is blank, too long, or holds a control character.</exception>
    public static void Validate(string? name, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(name))] string? parameter = null)
    {
        if (!IsValid(name, out var error))
        {
            throw new ArgumentException(error, parameter);
        }
    }
}
