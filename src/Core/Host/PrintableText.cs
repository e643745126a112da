namespace Passthru.Core.Host;

/// <summary>
/// Untrusted text (a request's address or guest name, a damaged sysfs attribute, a typed user name) as a
/// message may show it: capped in length, and '?' for each character that would change how the line reads.
/// Messages reach pages, the API and logs; a 4 KiB attribute of garbage, a newline forging a log line or an
/// escape sequence for the terminal showing the log must not.
/// </summary>
public static class PrintableText
{
    public static string Of(string text, int maxLength)
    {
        var shown = text.Length > maxLength ? text[..maxLength] + "…" : text;
        return string.Create(shown.Length, shown, static (dest, src) =>
        {
            for (var i = 0; i < src.Length; i++)
            {
                dest[i] = ChangesTheLine(src[i]) ? '?' : src[i];
            }
        });
    }

    /// <summary>
    /// Control characters (CR, LF, NEL, ESC…), the Unicode line and paragraph separators (some log viewers break
    /// lines there), and the bidirectional controls that make a viewer show the text around them reordered.
    /// </summary>
    public static bool ChangesTheLine(char c)
        => char.IsControl(c) || c is '\u2028' or '\u2029' or '\u061c' or '\u200e' or '\u200f' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069');
}
