using Microsoft.AspNetCore.Http.Features;
using Passthru.Core.Auth;
using Passthru.Web.Hosting;

namespace Passthru.Web.Auth;

/// <summary>
/// The login form is read here, before anything else reads or logs it, under limits that fit a user name and a
/// password: a post past them is refused and counted against its address like a failed login, so that megabytes
/// of user name neither flood the log nor slip past the throttle.
/// </summary>
public static class LoginFormLimits
{
    /// <summary>Room for the antiforgery token, a user name and a password of their longest allowed lengths, in any encoding.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>The log budget's kind for every refused login, here and on the login page: one flood, one budget.</summary>
    public const string RefusalLogKind = "refused logins";

    private static readonly FormOptions Limits = new()
    {
        ValueCountLimit = 16,
        KeyLengthLimit = 128,
        ValueLengthLimit = MaxBodyBytes,
        MultipartBodyLengthLimit = MaxBodyBytes,
        MultipartHeadersLengthLimit = 4096,
        BufferBody = false,
    };

    public static void UseLoginFormLimits(this WebApplication app)
        => app.Use(async (context, next) =>
        {
            if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.Path.StartsWithSegments(LoginRedirects.LoginPath))
            {
                await next(context);
                return;
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
            {
                bodySize.MaxRequestBodySize = MaxBodyBytes;
            }

            context.Features.Set<IFormFeature>(new FormFeature(context.Request, Limits));
            try
            {
                if (context.Request.HasFormContentType)
                {
                    // Read once, here; the antiforgery check and the login page get this form from the feature.
                    await context.Request.ReadFormAsync(context.RequestAborted);
                }
            }
            catch (Exception ex) when (ex is BadHttpRequestException or InvalidDataException)
            {
                await RefuseAsync(context, ex.Message);
                return;
            }

            await next(context);
        });

    private static async Task RefuseAsync(HttpContext context, string reason)
    {
        var address = ConnectionOrigin.Of(context).Client;
        var wait = context.RequestServices.GetRequiredService<LoginThrottle>().TryBeginMalformed(address);
        // The framework's words about the limit: no part of the form reaches the log.
        if (context.RequestServices.GetRequiredService<LogBudget>().TryTake(RefusalLogKind, out var unlogged))
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Passthru.Auth");
            if (unlogged > 0)
            {
                logger.LogWarning("{Unlogged} refused logins were not logged (at most {PerMinute} a minute are)", unlogged, LogBudget.PerMinute);
            }

            logger.LogWarning("Login form refused from {Address}: {Reason}", address, reason);
        }
        context.Response.StatusCode = wait is null ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status429TooManyRequests;
        context.Response.Headers.Connection = "close";
        await context.Response.WriteAsync(wait is null
            ? "The login form is too large."
            : $"Too many failed logins. Try again in {(int)Math.Ceiling(wait.Value.TotalSeconds)} s.", context.RequestAborted);
    }
}
