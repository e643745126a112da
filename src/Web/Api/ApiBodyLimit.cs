using Microsoft.AspNetCore.Http.Features;

namespace Passthru.Web.Api;

/// <summary>
/// The JSON API's bodies are a few hundred bytes; anything near <see cref="MaxBytes"/> is not a request
/// but an attempt to fill the memory, the log or the history. A larger body is answered 413 with a problem
/// before any endpoint reads it: at once when Content-Length says so, else as soon as the body read so far
/// passes the limit (a chunked body is read into memory up to the limit, never further).
/// </summary>
public static class ApiBodyLimit
{
    public const int MaxBytes = 64 * 1024;

    public static readonly (string Title, string Detail) Problem =
        ("Request body too large", $"The API takes JSON bodies of at most {MaxBytes / 1024} KiB.");

    public static IApplicationBuilder UseApiBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            await next(context);
            return;
        }

        // Kestrel's own limit too, for whatever reads the body without this middleware's copy.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } kestrelLimit)
        {
            kestrelLimit.MaxRequestBodySize = MaxBytes;
        }

        if (context.Request.ContentLength > MaxBytes || (context.Request.ContentLength is null && !await BufferWithinLimitAsync(context)))
        {
            await RefuseAsync(context);
            return;
        }

        await next(context);
    });

    /// <summary>A body of unknown length (chunked) is read here into memory, up to the limit; false when it is longer.</summary>
    private static async Task<bool> BufferWithinLimitAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            return true;
        }

        var copy = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        try
        {
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                if (copy.Length + read > MaxBytes)
                {
                    return false;
                }

                copy.Write(buffer, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return false;
        }

        copy.Position = 0;
        context.Request.Body = copy;
        context.Response.RegisterForDispose(copy);
        return true;
    }

    private static async Task RefuseAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        // The rest of the body is not read: the connection is closed after this answer rather than drained.
        context.Response.Headers.Connection = "close";
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status413PayloadTooLarge, Title = Problem.Title, Detail = Problem.Detail },
        });
    }
}
