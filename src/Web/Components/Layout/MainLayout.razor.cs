using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using Passthru.Web.Configuration;

namespace Passthru.Web.Components.Layout;

/// <summary>
/// The frame of every page but the login: app bar, navigation drawer, the theme and the providers
/// MudBlazor's dialogs, popovers and notifications render into.
/// </summary>
public partial class MainLayout
{
    private MudThemeProvider? _themeProvider;
    private bool _interactive;
    private bool _drawerOpen = true;
    private ThemeMode _mode;
    private bool _systemDark;
    private bool _watchingSystem;

    [CascadingParameter]
    public ThemeChoice? InitialTheme { get; set; }

    [Inject]
    public required IJSRuntime Js { get; init; }

    private bool IsDark => _mode == ThemeMode.Dark || (_mode == ThemeMode.System && _systemDark);

    protected override void OnInitialized()
        => (_mode, _systemDark) = InitialTheme is { } theme ? (theme.Mode, theme.SystemPrefersDark) : (ThemeMode.System, false);

    /// <summary>
    /// Marks the page once the circuit is live (after-render runs only interactively, never when
    /// prerendering), so browser tests wait for it instead of typing into a page that ignores input.
    /// Browsers that send no client hint learn the system's preference here.
    /// </summary>
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        _interactive = true;
        if (_mode == ThemeMode.System)
        {
            await FollowSystemAsync();
        }

        StateHasChanged();
    }

    private async Task FollowSystemAsync()
    {
        _systemDark = await _themeProvider!.GetSystemDarkModeAsync();
        if (!_watchingSystem)
        {
            _watchingSystem = true;
            await _themeProvider.WatchSystemDarkModeAsync(dark => InvokeAsync(() =>
            {
                _systemDark = dark;
                StateHasChanged();
            }));
        }
    }

    private async Task SetModeAsync(ThemeMode mode)
    {
        _mode = mode;
        await Js.InvokeVoidAsync("passthru.rememberTheme", ThemeCookie.Value(mode));
        if (mode == ThemeMode.System)
        {
            await FollowSystemAsync();
        }
    }
}
