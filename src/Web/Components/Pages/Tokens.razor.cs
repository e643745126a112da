using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using Passthru.Core.Auth;
using Passthru.Core.History;
using Passthru.Web.Auth;
using MudBlazor;
using Passthru.Web.Components.Dialogs;

namespace Passthru.Web.Components.Pages;

/// <summary>Make, list and revoke API tokens. Only a person logged in with a password gets here: a token cannot make tokens.</summary>
public partial class Tokens
{
    [Inject]
    private ApiTokenStore Store { get; set; } = default!;

    [Inject]
    private CircuitOrigin Origin { get; set; } = default!;

    [Inject]
    private IOptions<AuthOptions> AuthOptions { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    private IReadOnlyList<ApiToken> List { get; set; } = [];

    private NewApiToken? Created { get; set; }

    private string NewName { get; set; } = "";

    private string? Problem { get; set; }

    private bool AuthEnabled => AuthOptions.Value.Enabled;

    protected override Task OnInitializedAsync() => AuthEnabled ? LoadAsync() : Task.CompletedTask;

    private async Task LoadAsync()
    {
        try
        {
            List = await Store.ListAsync();
        }
        catch (HistoryUnavailableException ex)
        {
            Problem = ex.Message;
        }
    }

    private async Task CreateAsync()
    {
        Problem = null;
        if (Origin.ViaToken)
        {
            Problem = "A token cannot make tokens: log in with a password.";
            return;
        }

        try
        {
            Created = await Store.CreateAsync(NewName, Origin.Actor);
            NewName = "";
        }
        catch (Exception ex) when (ex is ArgumentException or HistoryUnavailableException)
        {
            Problem = ex.Message;
        }

        await LoadAsync();
    }

    private async Task RevokeAsync(ApiToken token)
    {
        if (!await Dialogs.ConfirmAsync($"Revoke {token.Name}?", $"Scripts using {token.Name} will get 401 from now on.", "Revoke"))
        {
            return;
        }

        try
        {
            await Store.RevokeAsync(token.Id, Origin.Actor);
        }
        catch (HistoryUnavailableException ex)
        {
            Problem = ex.Message;
        }

        await LoadAsync();
    }

    private async Task CopyAsync()
    {
        if (Created is not null)
        {
            await JS.InvokeAsync<bool>("passthru.copy", Created.Secret);
        }
    }

    private static string Format(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
