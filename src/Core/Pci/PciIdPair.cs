using System.Diagnostics.CodeAnalysis;
using Passthru.Core.Host;

namespace Passthru.Core.Pci;

/// <summary>
/// A vendor:device ID pair as a caller gives it (<c>8086:293e</c>): what they saw at an address. Checked
/// strictly before it is compared or kept, so that nothing but eight hex digits reaches a message or the history.
/// </summary>
public static class PciIdPair
{
    /// <param name="pair">The pair in lower case, as <see cref="PciDevice.IdPair"/> spells it.</param>
    public static bool TryParse(string? text, [NotNullWhen(true)] out string? pair, [NotNullWhen(false)] out string? error)
    {
        if (text is { Length: 9 } && text[4] == ':' && text.AsSpan(0, 4).ContainsOnlyHex() && text.AsSpan(5).ContainsOnlyHex())
        {
            pair = text.ToLowerInvariant();
            error = null;
            return true;
        }

        pair = null;
        error = $"'{PrintableText.Of(text ?? "", 32)}' is not a vendor:device ID pair: four hex digits, a colon, four hex digits (8086:293e).";
        return false;
    }

    private static bool ContainsOnlyHex(this ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
