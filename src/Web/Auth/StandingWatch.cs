using System.Collections.Concurrent;
using Passthru.Core.Auth;

namespace Passthru.Web.Auth;

/// <summary>
/// The hub's streams (WebSocket, server-sent events) last for hours, long after their request was authorized.
/// Each is checked again every <see cref="Interval"/>, and at once when a token is revoked or a session ends;
/// one whose user lost standing is cut off (its client gets 401 or 403 on reconnecting). The dashboard's own
/// circuits are checked by SessionRevalidator instead, which can send the page to the login rather than break it.
/// </summary>
public sealed class StandingWatch : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<HttpContext, byte> _open = new();
    private readonly SemaphoreSlim _recheck = new(0);
    private readonly StandingCheck _standing;
    private readonly TimeProvider _time;
    private readonly ILogger<StandingWatch> _logger;

    public StandingWatch(StandingCheck standing, ApiTokenStore tokens, SessionStore sessions, TimeProvider time, ILogger<StandingWatch> logger)
    {
        _standing = standing;
        _time = time;
        _logger = logger;
        tokens.Revoked += _ => RecheckNow();
        sessions.Ended += RecheckNow;
    }

    public int OpenCount => _open.Count;

    /// <summary>Whether a request is one of those that stay open: the hub's.</summary>
    public static bool IsLongLived(HttpRequest request) => request.Path.StartsWithSegments("/hubs");

    /// <summary>Keeps <paramref name="context"/> under watch until the returned handle is disposed (the request ended).</summary>
    public IDisposable Watch(HttpContext context)
    {
        _open[context] = 0;
        return new Unwatch(this, context);
    }

    /// <summary>Puts each long-lived request under watch while it runs (after authorization: only users with standing get this far).</summary>
    public static void UseStandingWatch(IApplicationBuilder app)
        => app.Use(async (context, next) =>
        {
            if (!IsLongLived(context.Request))
            {
                await next(context);
                return;
            }

            using (context.RequestServices.GetRequiredService<StandingWatch>().Watch(context))
            {
                await next(context);
            }
        });

    /// <summary>Checks every open stream now rather than at the next interval.</summary>
    public void RecheckNow()
    {
        if (_recheck.CurrentCount == 0)
        {
            _recheck.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            using (var interval = new CancellationTokenSource(Interval, _time))
            using (var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, interval.Token))
            {
                try
                {
                    await _recheck.WaitAsync(either.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // The interval passed.
                }
            }

            await CheckAllAsync(stoppingToken);
        }
    }

    private async Task CheckAllAsync(CancellationToken cancellationToken)
    {
        foreach (var context in _open.Keys)
        {
            if (await _standing.RefusalAsync(context.User, cancellationToken) is { } refusal)
            {
                _logger.LogWarning("Ended {Path} of {User}: {Reason}", context.Request.Path, context.User.Identity?.Name, refusal);
                _open.TryRemove(context, out _);
                context.Abort();
            }
        }
    }

    private sealed class Unwatch(StandingWatch watch, HttpContext context) : IDisposable
    {
        public void Dispose() => watch._open.TryRemove(context, out _);
    }
}
