using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Passthru.Web.Api;
using Passthru.Web.Auth;
using Passthru.Web.Components;
using Passthru.Web.Configuration;
using Passthru.Web.Hosting;
using Passthru.Web.Hubs;

namespace Passthru.Web;

/// <summary>
/// Builds the dashboard. Kept out of Program.cs so tests can start the real app, with real Kestrel
/// on 127.0.0.1:0, in their own process.
/// </summary>
public static class PassthruApp
{
    /// <exception cref="StartupRefusedException">The listen addresses or settings are not acceptable.</exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // Static assets and content are found next to the assembly, wherever the process was started from.
            ApplicationName = typeof(PassthruApp).Assembly.GetName().Name,
            // appsettings.json (with its AllowedHosts) and wwwroot sit next to the executable: a dashboard
            // started from another directory must not lose them and fall back to AllowedHosts "*".
            ContentRootPath = AppContext.BaseDirectory,
        });

        HostConfigFile.Add(builder.Configuration, Environment.GetEnvironmentVariable(HostConfigFile.Variable));
        // --host-root DIR is the short way to point the dashboard at a captured tree.
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--host-root"] = "Passthru:HostRoot" });
        // Under systemd: readiness through sd_notify (the unit is Type=notify) and log lines in journald's format.
        builder.Host.UseSystemd();
        configure?.Invoke(builder);
        ConfigureListening(builder);
        AddServices(builder.Services, builder.Configuration);

        var app = builder.Build();
        try
        {
            // Fail now, with the setting's name, rather than on the first page view.
            _ = app.Services.GetRequiredService<IOptions<PassthruOptions>>().Value;
            _ = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            throw new StartupRefusedException($"Configuration error: {string.Join(" ", ex.Failures)}");
        }

        MapEndpoints(app);
        return app;
    }

    private static void ConfigureListening(WebApplicationBuilder builder)
    {
        var urls = ListenAddressPolicy.ConfiguredUrls(builder.Configuration);
        if (urls.Count == 0)
        {
            builder.WebHost.UseUrls(ListenAddressPolicy.DefaultUrl);
            urls = [ListenAddressPolicy.DefaultUrl];
        }

        var trustedProxies = builder.Configuration.GetSection($"{PassthruOptions.SectionName}:{nameof(PassthruOptions.TrustedProxies)}").Get<string[]>() ?? [];
        if (ListenAddressPolicy.Refusal(urls, AuthenticationSetup.ReadOptions(builder.Configuration), trustedProxies.Length > 0) is { } refusal)
        {
            throw new StartupRefusedException(refusal);
        }
    }

    private static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PassthruOptions>().Bind(configuration.GetSection(PassthruOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PassthruOptions>, PassthruOptionsValidator>();
        // TryAdd: a test that starts the real app on Kestrel may bring its own clock.
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostServices();
        services.AddPassthruAuthentication(configuration);
        services.AddConnectionOrigins();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddHttpContextAccessor();
        services.AddScoped<CircuitOrigin>();
        services.AddScoped<LiveUpdatesStatus>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, CircuitOriginHandler>();
        // MudBlazor checks every circuit for closed popovers to release every QueueDelay (0.5 s by default): with 50
        // pages open that timer alone took 4 % of a core. Released a few seconds later, a closed popover costs nothing.
        services.AddMudServices(mud => mud.PopoverOptions.QueueDelay = TimeSpan.FromSeconds(5));
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddProblemDetails();
        services.AddSignalR().AddJsonProtocol(options => options.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
    }

    private static void MapEndpoints(WebApplication app)
    {
        // First: a trusted proxy's client address and scheme are what everything after sees.
        app.UseConnectionOrigins();
        app.UseExceptionHandler();
        // An empty error status gets a body: problem details for the API, the not-found page for a page.
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api"), api => api.UseStatusCodePages(ApiProblems.WriteForEmptyStatusAsync));
        app.UseWhen(context => !context.Request.Path.StartsWithSegments("/api") && HttpMethods.IsGet(context.Request.Method),
            pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        // Routing after the re-execution, so that the not-found page's path is routed when it runs again.
        app.UseRouting();
        app.UseSecurityHeaders();
        app.UseApiBodyLimit();
        app.UseThemeHints();
        app.UsePassthruAuthentication();
        app.UseLoginFormLimits();
        app.UseAntiforgery();
        // Styles, scripts and icons: the login page needs them before anyone is logged in.
        app.MapStaticAssets().AllowAnonymous();
        app.MapLogout();
        app.MapHostApi();
        app.MapBindingApi();
        app.MapBootApi();
        app.MapKernelCommandLineApi();
        app.MapInterruptApi();
        app.MapGuestApi();
        app.MapHub<HostHub>(HostHub.Path);
        // Blazor's own frame-ancestors 'self' would be a second, looser policy header beside ours ('none').
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(options => options.ContentSecurityFrameAncestorsPolicy = null)
            .Add(endpoint =>
            {
                // blazor.web.js asks for the list of script initializers on every page, the login page too: a list of public files.
                if (endpoint is RouteEndpointBuilder { RoutePattern.RawText: { } pattern } && pattern.TrimEnd('/').EndsWith("/_blazor/initializers", StringComparison.Ordinal))
                {
                    endpoint.Metadata.Add(new AllowAnonymousAttribute());
                }
            });
    }
}
