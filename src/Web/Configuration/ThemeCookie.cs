namespace Passthru.Web.Configuration;

/// <summary>Light, dark, or as the operating system says.</summary>
public enum ThemeMode
{
    System,
    Light,
    Dark,
}

/// <summary>
/// What the first, prerendered response needs to draw the right theme at once: the person's choice
/// (a cookie) and, where the browser sends it, the operating system's preference (a client hint).
/// </summary>
public sealed record ThemeChoice(ThemeMode Mode, bool SystemPrefersDark)
{
    public bool IsDark => Mode == ThemeMode.Dark || (Mode == ThemeMode.System && SystemPrefersDark);
}

/// <summary>The cookie that remembers the light or dark choice, and the client hint for the system's.</summary>
public static class ThemeCookie
{
    public const string Name = "PassthruTheme";

    /// <summary>Chromium-based browsers send the system's preference in this header once asked for it (Accept-CH).</summary>
    public const string SystemHint = "Sec-CH-Prefers-Color-Scheme";

    /// <summary>The cookie's value; "material" and "material-dark" are what the dashboard stored before MudBlazor.</summary>
    public static ThemeMode Read(string? value) => value switch
    {
        "light" or "material" => ThemeMode.Light,
        "dark" or "material-dark" => ThemeMode.Dark,
        _ => ThemeMode.System,
    };

    public static string? Value(ThemeMode mode) => mode switch
    {
        ThemeMode.Light => "light",
        ThemeMode.Dark => "dark",
        _ => null,
    };

    public static ThemeChoice Of(HttpRequest request)
        => new(Read(request.Cookies[Name]), request.Headers[SystemHint].ToString().Trim('"') == "dark");

    /// <summary>
    /// Asks the browser for the system hint, so that every page after the first is drawn in the system's theme
    /// from the start; the first one follows as soon as its circuit runs (MainLayout), or through CSS (the login).
    /// </summary>
    public static IApplicationBuilder UseThemeHints(this IApplicationBuilder app)
        => app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers["Accept-CH"] = SystemHint;
            headers["Critical-CH"] = SystemHint;
            if (!headers.Vary.Contains(SystemHint))
            {
                headers.Append("Vary", SystemHint);
            }

            await next(context);
        });
}
