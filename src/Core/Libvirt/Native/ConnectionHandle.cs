using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Passthru.Core.Libvirt.Native;

/// <summary>
/// A <c>virConnectPtr</c> with the callbacks registered on it. The SafeHandle's reference count is what
/// lets a reconnect drop a dead connection while other threads are still inside calls on it: the
/// callbacks are deregistered and the connection closed only when the last of them returns.
/// </summary>
internal sealed unsafe class ConnectionHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private readonly List<int> _callbackIds = [];
    private bool _closeCallbackRegistered;

    public ConnectionHandle()
        : base(ownsHandle: true)
    {
    }

    private ConnectionHandle(IntPtr handle)
        : base(ownsHandle: true) => SetHandle(handle);

    /// <summary>Opens <paramref name="uri"/>; libvirt's error as a <see cref="LibvirtException"/> if it cannot.</summary>
    public static ConnectionHandle Open(string uri)
    {
        var connection = LibvirtNative.virConnectOpen(uri);
        if (connection == IntPtr.Zero)
        {
            throw LibvirtErrors.Last("virConnectOpen", $"Cannot connect to libvirt at {uri}");
        }

        return new ConnectionHandle(connection);
    }

    /// <summary>
    /// Routes the connection's close and domain events to <paramref name="events"/>. Each registration
    /// holds its own GCHandle, freed by libvirt's free callback once libvirt no longer uses it: an event
    /// being dispatched on the loop thread while the connection closes still finds its target.
    /// </summary>
    public void Register(IConnectionEvents events)
    {
        if (LibvirtNative.virConnectRegisterCloseCallback(handle, &ConnectionCallbacks.Closed, Pin(events), &ConnectionCallbacks.FreeOpaque) == 0)
        {
            _closeCallbackRegistered = true;
        }
        else
        {
            // Drivers without a remote side (test:///) may not support it; a lost connection is then
            // still noticed by the next failing call.
            LibvirtNative.virResetLastError();
        }

        RegisterDomainEvent(LibvirtNative.EventIdLifecycle, (IntPtr)(delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int, int, IntPtr, int>)&ConnectionCallbacks.Lifecycle, events, required: true);
        RegisterDomainEvent(LibvirtNative.EventIdDeviceAdded, (IntPtr)(delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr, IntPtr, void>)&ConnectionCallbacks.DeviceAdded, events, required: false);
        RegisterDomainEvent(LibvirtNative.EventIdDeviceRemoved, (IntPtr)(delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr, IntPtr, void>)&ConnectionCallbacks.DeviceRemoved, events, required: false);
        RegisterDomainEvent(LibvirtNative.EventIdDeviceRemovalFailed, (IntPtr)(delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr, IntPtr, void>)&ConnectionCallbacks.DeviceRemovalFailed, events, required: false);

        // Notices a daemon that hangs rather than exits (an exit closes the socket, which the loop sees at once).
        // Not every driver has keepalive (test:/// answers "not supported"): then there is nothing to notice.
        if (LibvirtNative.virConnectSetKeepAlive(handle, 5, 3) < 0)
        {
            LibvirtNative.virResetLastError();
        }
    }

    protected override bool ReleaseHandle()
    {
        foreach (var id in _callbackIds)
        {
            _ = LibvirtNative.virConnectDomainEventDeregisterAny(handle, id);
        }

        if (_closeCallbackRegistered)
        {
            _ = LibvirtNative.virConnectUnregisterCloseCallback(handle, &ConnectionCallbacks.Closed);
        }

        // Closing a dead connection reports an error; there is nothing more to do about it.
        _ = LibvirtNative.virConnectClose(handle);
        LibvirtNative.virResetLastError();
        return true;
    }

    private void RegisterDomainEvent(int eventId, IntPtr callback, IConnectionEvents events, bool required)
    {
        var opaque = Pin(events);
        var id = LibvirtNative.virConnectDomainEventRegisterAny(handle, IntPtr.Zero, eventId, callback, opaque, &ConnectionCallbacks.FreeOpaque);
        if (id >= 0)
        {
            _callbackIds.Add(id);
            return;
        }

        var error = LibvirtErrors.Last("virConnectDomainEventRegisterAny", "Cannot subscribe to libvirt's domain events");
        GCHandle.FromIntPtr(opaque).Free(); // libvirt did not take it, so it will not call the free callback
        if (required)
        {
            throw error;
        }
    }

    private static IntPtr Pin(IConnectionEvents events) => GCHandle.ToIntPtr(GCHandle.Alloc(events));
}
