using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Passthru.Web.Api;
using Passthru.Web.Components;
using Passthru.Web.Configuration;
using Passthru.Web.Model;
using Radzen;

var builder = WebApplication.CreateBuilder(args);

// --host-root DIR is the short way to point the dashboard at a captured tree.
builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--host-root"] = "Passthru:HostRoot" });

var urls = ListenAddressPolicy.ConfiguredUrls(builder.Configuration);
if (urls.Count == 0)
{
    builder.WebHost.UseUrls(ListenAddressPolicy.DefaultUrl);
    urls = [ListenAddressPolicy.DefaultUrl];
}

if (ListenAddressPolicy.Refusal(urls) is { } refusal)
{
    Console.Error.WriteLine(refusal);
    return 2;
}

builder.Services.AddOptions<PassthruOptions>().Bind(builder.Configuration.GetSection(PassthruOptions.SectionName)).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<PassthruOptions>, PassthruOptionsValidator>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<HostModel>();

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddRadzenComponents();
builder.Services.AddRadzenCookieThemeService(options =>
{
    options.Name = "PassthruTheme";
    options.Duration = TimeSpan.FromDays(365);
});
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
builder.Services.AddProblemDetails();

WebApplication app;
try
{
    app = builder.Build();
    // Fail now, with the setting's name, rather than on the first page view.
    _ = app.Services.GetRequiredService<IOptions<PassthruOptions>>().Value;
}
catch (OptionsValidationException ex)
{
    Console.Error.WriteLine($"Configuration error: {string.Join(" ", ex.Failures)}");
    return 2;
}

app.UseExceptionHandler();
app.Use(async (context, next) =>
{
    // The dashboard is never framed and never sniffed: clickjacking a "detach" button is the attack to stop.
    context.Response.Headers.XContentTypeOptions = "nosniff";
    context.Response.Headers.XFrameOptions = "DENY";
    context.Response.Headers.ContentSecurityPolicy = "frame-ancestors 'none'";
    context.Response.Headers["Referrer-Policy"] = "no-referrer";
    await next(context);
});
app.UseAntiforgery();
app.MapStaticAssets();
app.MapHostApi();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

await app.RunAsync();
return 0;

/// <summary>Entry point, public for WebApplicationFactory in tests.</summary>
public partial class Program;
