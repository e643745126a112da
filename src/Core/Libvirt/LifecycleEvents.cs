namespace Passthru.Core.Libvirt;

/// <summary>libvirt's lifecycle event and detail numbers (<c>virDomainEventType</c> and its <c>…DetailType</c> enums) as changes.</summary>
internal static class LifecycleEvents
{
    private static readonly string[][] Details =
    [
        ["added", "updated", "renamed", "from snapshot"],                                      // DEFINED
        ["removed", "renamed"],                                                                // UNDEFINED
        ["booted", "migrated", "restored", "from snapshot", "woken up"],                       // STARTED
        ["paused", "migrated", "I/O error", "watchdog", "restored", "from snapshot", "API error", "post-copy", "post-copy failed"], // SUSPENDED
        ["unpaused", "migrated", "from snapshot", "post-copy", "post-copy failed"],            // RESUMED
        ["shut down", "destroyed", "crashed", "migrated", "saved", "failed", "from snapshot"], // STOPPED
        ["finished", "by the guest", "by the host"],                                           // SHUTDOWN
        ["to memory", "to disk"],                                                              // PMSUSPENDED
        ["panicked", "crash loaded"],                                                          // CRASHED
    ];

    public static GuestChange ToChange(int eventType, int detail, string? guestName, DateTimeOffset at)
    {
        if (eventType < 0 || eventType >= Details.Length)
        {
            // A newer libvirt's event: still a reason to re-read the guest.
            return new GuestChange(GuestChangeKind.Other, guestName, at, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"lifecycle event {eventType}"));
        }

        var details = Details[eventType];
        var text = detail >= 0 && detail < details.Length ? details[detail] : null;
        return new GuestChange((GuestChangeKind)eventType, guestName, at, text);
    }
}
