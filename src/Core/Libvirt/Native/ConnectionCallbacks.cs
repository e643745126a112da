using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Passthru.Core.Libvirt.Native;

/// <summary>
/// The functions libvirt calls back, on the event loop's thread. An exception escaping one of them
/// would end the process, so each body is wrapped; the domain and strings are borrowed for the
/// duration of the call and never freed here.
/// </summary>
internal static unsafe class ConnectionCallbacks
{
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int Lifecycle(IntPtr connection, IntPtr domain, int eventType, int detail, IntPtr opaque)
    {
        try
        {
            Target(opaque)?.OnLifecycle(LibvirtNative.Borrow(LibvirtNative.virDomainGetName(domain)), eventType, detail);
        }
        catch
        {
            // Nothing may escape into libvirt; the next read of the guest list shows the truth anyway.
        }

        return 0;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static void DeviceAdded(IntPtr connection, IntPtr domain, IntPtr alias, IntPtr opaque)
        => Device(domain, LibvirtNative.EventIdDeviceAdded, alias, opaque);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static void DeviceRemoved(IntPtr connection, IntPtr domain, IntPtr alias, IntPtr opaque)
        => Device(domain, LibvirtNative.EventIdDeviceRemoved, alias, opaque);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static void DeviceRemovalFailed(IntPtr connection, IntPtr domain, IntPtr alias, IntPtr opaque)
        => Device(domain, LibvirtNative.EventIdDeviceRemovalFailed, alias, opaque);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static void Closed(IntPtr connection, int reason, IntPtr opaque)
    {
        try
        {
            Target(opaque)?.OnClosed(reason);
        }
        catch
        {
            // As above: the next call notices the dead connection on its own.
        }
    }

    /// <summary>libvirt's free callback for an opaque pointer: the GCHandle it was given.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static void FreeOpaque(IntPtr opaque)
    {
        try
        {
            GCHandle.FromIntPtr(opaque).Free();
        }
        catch
        {
            // A handle freed twice would be a bug here, but never a reason to end the process.
        }
    }

    private static void Device(IntPtr domain, int eventId, IntPtr alias, IntPtr opaque)
    {
        try
        {
            Target(opaque)?.OnDevice(LibvirtNative.Borrow(LibvirtNative.virDomainGetName(domain)), eventId, LibvirtNative.Borrow(alias));
        }
        catch
        {
            // See Lifecycle.
        }
    }

    private static IConnectionEvents? Target(IntPtr opaque) => GCHandle.FromIntPtr(opaque).Target as IConnectionEvents;
}
