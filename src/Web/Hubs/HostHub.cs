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
        LiveState? sent = null;
        await foreach (var state in subscription.Reader.ReadAllAsync(cancellationToken))
        {
            // A state that only says live updates stopped repeats the last sample: its rows must not count twice.
            if (state.Host is null || (sent is not null && state.HasSameDataAs(sent)))
            {
                continue;
            }

            var devicesChanged = sent is null || state.HostVersion != sent.HostVersion;
            sent = state;
            yield return new HostUpdateMessage(
                state.Interrupts.At,
                state.HostVersion,
                devicesChanged ? LiveMapping.DeviceStates(state.Host) : null,
                state.Interrupts.Rows.Where(r => r.Delta > 0 || r.Previous is null).Select(r => r.ToResponse()).ToArray(),
                LiveMapping.Rates(state.Interrupts));
        }
    }
}
