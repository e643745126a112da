using System.Net;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Passthru.Web.Model;

/// <summary>
/// Where this browser's connection comes from and arrives at, captured when its circuit opens (the
/// only moment the circuit's HTTP connection is at hand). It names the actor in the history and
/// lets the safety rules protect the interface the dashboard is reached through.
/// </summary>
public sealed class CircuitOrigin
{
    public IPAddress? RemoteAddress { get; private set; }

    public IPAddress? LocalAddress { get; private set; }

    /// <summary>The actor recorded for this browser: its remote address, until authentication names users.</summary>
    public string Actor => RemoteAddress?.ToString() ?? "browser";

    internal void Capture(ConnectionInfo connection)
    {
        RemoteAddress = connection.RemoteIpAddress;
        LocalAddress = connection.LocalIpAddress;
    }
}

/// <summary>Fills <see cref="CircuitOrigin"/> as each circuit opens.</summary>
public sealed class CircuitOriginHandler(CircuitOrigin origin, IHttpContextAccessor accessor) : CircuitHandler
{
    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        if (accessor.HttpContext?.Connection is { } connection)
        {
            origin.Capture(connection);
        }

        return Task.CompletedTask;
    }
}
