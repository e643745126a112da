namespace Passthru.Core.Libvirt.Native;

/// <summary>What libvirt reports about one connection, called on the event loop's thread: must return quickly and never throw.</summary>
internal interface IConnectionEvents
{
    void OnLifecycle(string? domainName, int eventType, int detail);

    void OnDevice(string? domainName, int eventId, string? deviceAlias);

    /// <summary>The connection closed under us (daemon exit, keepalive timeout); <paramref name="reason"/> is a VIR_CONNECT_CLOSE_REASON.</summary>
    void OnClosed(int reason);
}
