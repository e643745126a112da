using System.Globalization;

namespace Passthru.Core.Host;

/// <summary>
/// Untrusted text (a request's address or guest name, a damaged sysfs attribute) as a message, the
/// history or a log line may hold it: capped in length, anything that could break or disguise a line
/// as '?'. A 4 KiB attribute of garbage, a newline forging a log line, an ANSI escape recolouring a
/// terminal or a right-to-left override reordering what a reader sees must not get through.
/// </summary>
public static class PrintableText
{
    public static string Of(string text, int maxLength)
    {
        var shown = text.Length > maxLength ? Cut(text, maxLength) + "…" : text;
        return string.Create(shown.Length, shown, static (dest, src) =>
        {
            for (var i = 0; i < src.Length; i++)
            {
                dest[i] = IsUnprintable(src, i) ? '?' : src[i];
            }
        });
    }

    /// <summary>Null stays null; otherwise as <see cref="Of(string, int)"/>.</summary>
    public static string? OrNull(string? text, int maxLength) => text is null ? null : Of(text, maxLength);

    /// <summary>True when <see cref="Of(string, int)"/> would change no character of the text (whatever its length).</summary>
    public static bool IsPrintable(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (IsUnprintable(text, i))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Control characters (C0, DEL, C1: CR, LF, ESC among them), the Unicode line and paragraph separators,
    /// the bidirectional overrides and isolates, and a surrogate without its pair.
    /// </summary>
    private static bool IsUnprintable(string text, int i)
    {
        var c = text[i];
        if (char.IsHighSurrogate(c))
        {
            return i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]);
        }

        if (char.IsLowSurrogate(c))
        {
            return i == 0 || !char.IsHighSurrogate(text[i - 1]);
        }

        return char.IsControl(c)
            || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';
    }

    /// <summary>The first <paramref name="length"/> characters, one fewer where that would split a surrogate pair.</summary>
    private static string Cut(string text, int length)
        => length > 0 && char.IsHighSurrogate(text[length - 1]) ? text[..(length - 1)] : text[..length];
}
