namespace Passthru.Core.Host;

/// <summary>
/// Untrusted text (a request's address or guest name, a damaged sysfs attribute) as a message may
/// show it: capped in length, control characters as '?'. Messages reach pages, the API and logs; a
/// 4 KiB attribute of garbage or a newline forging a log line must not.
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
                dest[i] = char.IsControl(src[i]) ? '?' : src[i];
            }
        });
    }
}
