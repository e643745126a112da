using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Passthru.Core.History;

namespace Passthru.Web.Auth;

/// <summary>
/// Who this browser is and where its connection comes from and arrives at, captured when its circuit
/// opens (the only moment the circuit's HTTP connection is at hand). It names the actor in the history
/// and lets the safety rules protect the interface the dashboard is reached through.
/// </summary>
public sealed class CircuitOrigin
{
    public IPAddress? RemoteAddress { get; private set; }

    /// <summary>Where the circuit's connection meets this host's network, through a proxy or an SSH tunnel too (<see cref="Hosting.ConnectionOrigin"/>).</summary>
    public IPAddress? ConnectionAddress => _connection?.ConnectionAddress;

    private Hosting.ConnectionOrigin? _connection;

    public ClaimsPrincipal User { get; private set; } = new();

    /// <summary>The actor recorded for this browser: the logged-in user (or, with logins off, "anonymous") and the address.</summary>
    public Actor Actor => _connection?.ActorOf(User) ?? PassthruClaims.ActorOf(User, RemoteAddress);

    /// <summary>Whether the circuit was opened with an API token rather than a password login.</summary>
    public bool ViaToken => User.HasClaim(claim => claim.Type == PassthruClaims.TokenOwner);

    internal void Capture(HttpContext context)
    {
        RemoteAddress = context.Connection.RemoteIpAddress;
        _connection = Hosting.ConnectionOrigin.Of(context);
        User = context.User;
    }
}

/// <summary>Fills <see cref="CircuitOrigin"/> as each circuit opens.</summary>
public sealed class CircuitOriginHandler(CircuitOrigin origin, IHttpContextAccessor accessor) : CircuitHandler
{
    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        if (accessor.HttpContext is { } context)
        {
            origin.Capture(context);
        }

        return Task.CompletedTask;
    }
}
