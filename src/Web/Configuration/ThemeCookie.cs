namespace Passthru.Web.Configuration;

/// <summary>The cookie that remembers the light or dark theme.</summary>
public static class ThemeCookie
{
    public const string Name = "PassthruTheme";
    public const string Light = "material";
    public const string Dark = "material-dark";
}
