using MudBlazor;

namespace Passthru.Web.Components.Layout;

/// <summary>
/// The dashboard's colours: every text colour, and every status colour used as text or behind its
/// contrast text, reaches 4.5:1 against the page and the cards in both modes (WCAG AA; the browser
/// tests check the rendered pages with axe-core). Fonts are the system's: nothing is fetched.
/// </summary>
public static class PassthruTheme
{
    private static readonly string[] SystemFonts = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "DejaVu Sans", "sans-serif"];

    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#0a5bd3",
            Secondary = "#6639ba",
            Tertiary = "#0a5bd3",
            Info = "#0969da",
            Success = "#1a7f37",
            Warning = "#9a6700",
            Error = "#cf222e",
            Dark = "#1f2328",
            TextPrimary = "#1f2328",
            TextSecondary = "#57606a",
            Background = "#f6f8fa",
            BackgroundGray = "#eaeef2",
            Surface = "#ffffff",
            AppbarBackground = "#1f2328",
            AppbarText = "#ffffff",
            DrawerBackground = "#ffffff",
            DrawerText = "#1f2328",
            DrawerIcon = "#57606a",
            LinesDefault = "#d0d7de",
            TableLines = "#d8dee4",
            Divider = "#d0d7de",
            ActionDefault = "#57606a",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#58a6ff",
            PrimaryContrastText = "#0d1117",
            Secondary = "#bc8cff",
            SecondaryContrastText = "#0d1117",
            Tertiary = "#58a6ff",
            TertiaryContrastText = "#0d1117",
            Info = "#58a6ff",
            InfoContrastText = "#0d1117",
            Success = "#3fb950",
            SuccessContrastText = "#0d1117",
            Warning = "#d29922",
            WarningContrastText = "#0d1117",
            Error = "#f85149",
            ErrorContrastText = "#0d1117",
            // On a dark page the "darker" shades are the lighter ones: they colour text on a tinted background (an alert's).
            PrimaryDarken = "#79c0ff",
            InfoDarken = "#79c0ff",
            SuccessDarken = "#56d364",
            WarningDarken = "#e3b341",
            ErrorDarken = "#ff7b72",
            Dark = "#e6edf3",
            DarkContrastText = "#0d1117",
            TextPrimary = "#e6edf3",
            TextSecondary = "#9198a1",
            Background = "#0d1117",
            BackgroundGray = "#161b22",
            Surface = "#161b22",
            AppbarBackground = "#010409",
            AppbarText = "#e6edf3",
            DrawerBackground = "#0d1117",
            DrawerText = "#e6edf3",
            DrawerIcon = "#9198a1",
            LinesDefault = "#3d444d",
            LinesInputs = "#9198a1",
            TableLines = "#30363d",
            Divider = "#3d444d",
            ActionDefault = "#9198a1",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = SystemFonts },
            H1 = new H1Typography { FontFamily = SystemFonts },
            H2 = new H2Typography { FontFamily = SystemFonts },
            H3 = new H3Typography { FontFamily = SystemFonts },
            H4 = new H4Typography { FontFamily = SystemFonts, FontSize = "1.75rem", FontWeight = "500" },
            H5 = new H5Typography { FontFamily = SystemFonts, FontSize = "1.3rem", FontWeight = "500" },
            H6 = new H6Typography { FontFamily = SystemFonts, FontSize = "1.1rem", FontWeight = "500" },
            Subtitle1 = new Subtitle1Typography { FontFamily = SystemFonts },
            Subtitle2 = new Subtitle2Typography { FontFamily = SystemFonts },
            Body1 = new Body1Typography { FontFamily = SystemFonts },
            Body2 = new Body2Typography { FontFamily = SystemFonts },
            Button = new ButtonTypography { FontFamily = SystemFonts, TextTransform = "none" },
            Caption = new CaptionTypography { FontFamily = SystemFonts },
            Overline = new OverlineTypography { FontFamily = SystemFonts },
        },
        LayoutProperties = new LayoutProperties { DrawerWidthLeft = "200px", AppbarHeight = "56px" },
    };
}
