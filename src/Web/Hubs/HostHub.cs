using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.SignalR;
using Passthru.Web.Api;
using Passthru.Web.Live;

namespace Passthru.Web.Hubs;

/// <summary>
/// Live host state for clients outside the dashboard's own pages (scripts, other dashboards), at
/// <c>/hubs/host</c>: <c>connection.StreamAsync&lt;HostUpdateMessage&gt;("Updates")</c> gets a message per
/// interrupt sample, with the device list whenever it changed. The Blazor pages do not use it: their
/// circuit already pushes.
/// </summary>
public sealed class HostHub(LiveHost live) : Hub
{
    public const string Path = "/hubs/host";

    public async IAsyncEnumerable<HostUpdateMessage> Updates([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var subscription = live.Subscribe();
        var sentVersion = -1L;
        await foreach (var state in subscription.Reader.ReadAllAsync(cancellationToken))
        {
            if (state.Host is null)
            {
                continue;
            }

            var devicesChanged = state.HostVersion != sentVersion;
            sentVersion = state.HostVersion;
            yield return new HostUpdateMessage(
                state.Interrupts.At,
                state.HostVersion,
                devicesChanged ? LiveMapping.DeviceStates(state.Host) : null,
                state.Interrupts.Rows.Where(r => r.Delta > 0 || r.Previous is null).Select(r => r.ToResponse()).ToArray(),
                LiveMapping.Rates(state.Interrupts));
        }
    }
}
