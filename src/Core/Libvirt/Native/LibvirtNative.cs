using System.Runtime.InteropServices;

namespace Passthru.Core.Libvirt.Native;

/// <summary>
/// The part of libvirt's C API this project calls (no binding package exists). Pointers stay
/// <see cref="IntPtr"/> on purpose: libvirt hands out both borrowed (<c>const char*</c>, never freed)
/// and owned (<c>char*</c>, freed with <c>free()</c>) strings, and a <c>string</c> return type would
/// make the marshaller free libvirt's own memory (seen: garbage, then a segfault). Which is which is
/// noted on each declaration, from libvirt's API documentation.
/// </summary>
internal static unsafe partial class LibvirtNative
{
    public const string Library = "libvirt.so.0";

    public const uint DomainXmlSecure = 1;        // VIR_DOMAIN_XML_SECURE: keep passwords when the XML is defined again
    public const uint DomainXmlInactive = 2;      // VIR_DOMAIN_XML_INACTIVE: the persistent definition
    public const uint AffectLive = 1;             // VIR_DOMAIN_AFFECT_LIVE
    public const uint AffectConfig = 2;           // VIR_DOMAIN_AFFECT_CONFIG
    public const uint NodeDevicesPci = 2;         // VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV
    public const int UuidStringLength = 37;       // VIR_UUID_STRING_BUFLEN

    public const int EventIdLifecycle = 0;        // VIR_DOMAIN_EVENT_ID_LIFECYCLE
    public const int EventIdDeviceRemoved = 15;   // VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED
    public const int EventIdDeviceAdded = 19;     // VIR_DOMAIN_EVENT_ID_DEVICE_ADDED
    public const int EventIdDeviceRemovalFailed = 22; // VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED

    [LibraryImport(Library)]
    public static partial int virInitialize();

    [LibraryImport(Library)]
    public static partial void virSetErrorFunc(IntPtr userData, delegate* unmanaged[Cdecl]<IntPtr, IntPtr, void> handler);

    // The last error of the calling thread: read right after the failing call, on the same thread.
    [LibraryImport(Library)]
    public static partial int virGetLastErrorCode();

    [LibraryImport(Library)]
    public static partial int virGetLastErrorDomain();

    [LibraryImport(Library)]
    public static partial IntPtr virGetLastErrorMessage(); // const char*: borrowed

    [LibraryImport(Library)]
    public static partial void virResetLastError();

    [LibraryImport(Library)]
    public static partial int virEventRegisterDefaultImpl();

    [LibraryImport(Library)]
    public static partial int virEventRunDefaultImpl();

    [LibraryImport(Library)]
    public static partial int virEventAddTimeout(int timeoutMilliseconds, delegate* unmanaged[Cdecl]<int, IntPtr, void> callback, IntPtr opaque, IntPtr free);

    [LibraryImport(Library)]
    public static partial int virEventRemoveTimeout(int timer);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr virConnectOpen(string name);

    [LibraryImport(Library)]
    public static partial int virConnectClose(IntPtr connection);

    [LibraryImport(Library)]
    public static partial int virConnectIsAlive(IntPtr connection);

    [LibraryImport(Library)]
    public static partial int virConnectSetKeepAlive(IntPtr connection, int intervalSeconds, uint count);

    [LibraryImport(Library)]
    public static partial int virConnectRegisterCloseCallback(IntPtr connection,
        delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr, void> callback, IntPtr opaque, delegate* unmanaged[Cdecl]<IntPtr, void> free);

    [LibraryImport(Library)]
    public static partial int virConnectUnregisterCloseCallback(IntPtr connection, delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr, void> callback);

    /// <summary>The callback's real signature depends on the event id; libvirt takes it as a generic function pointer.</summary>
    [LibraryImport(Library)]
    public static partial int virConnectDomainEventRegisterAny(IntPtr connection, IntPtr domain, int eventId, IntPtr callback,
        IntPtr opaque, delegate* unmanaged[Cdecl]<IntPtr, void> free);

    [LibraryImport(Library)]
    public static partial int virConnectDomainEventDeregisterAny(IntPtr connection, int callbackId);

    /// <summary>An array the caller frees, of domains the caller frees (each with virDomainFree).</summary>
    [LibraryImport(Library)]
    public static partial int virConnectListAllDomains(IntPtr connection, out IntPtr domains, uint flags);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial DomainHandle virDomainLookupByName(IntPtr connection, string name);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial DomainHandle virDomainDefineXML(IntPtr connection, string xml);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial DomainHandle virDomainCreateXML(IntPtr connection, string xml, uint flags);

    [LibraryImport(Library)]
    public static partial int virDomainFree(IntPtr domain);

    [LibraryImport(Library)]
    public static partial IntPtr virDomainGetName(DomainHandle domain); // const char*: borrowed

    [LibraryImport(Library)]
    public static partial IntPtr virDomainGetName(IntPtr domain); // the borrowed domain of an event callback

    [LibraryImport(Library)]
    public static partial int virDomainGetUUIDString(DomainHandle domain, byte* buffer);

    [LibraryImport(Library)]
    public static partial int virDomainGetState(DomainHandle domain, out int state, out int reason, uint flags);

    [LibraryImport(Library)]
    public static partial int virDomainIsPersistent(DomainHandle domain);

    [LibraryImport(Library)]
    public static partial int virDomainIsActive(DomainHandle domain);

    [LibraryImport(Library)]
    public static partial IntPtr virDomainGetXMLDesc(DomainHandle domain, uint flags); // char*: owned, caller frees

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int virDomainAttachDeviceFlags(DomainHandle domain, string xml, uint flags);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int virDomainDetachDeviceFlags(DomainHandle domain, string xml, uint flags);

    [LibraryImport(Library)]
    public static partial int virDomainCreate(DomainHandle domain);

    [LibraryImport(Library)]
    public static partial int virDomainShutdown(DomainHandle domain);

    [LibraryImport(Library)]
    public static partial int virDomainDestroy(DomainHandle domain);

    /// <summary>An array the caller frees, of node devices the caller frees (each with virNodeDeviceFree).</summary>
    [LibraryImport(Library)]
    public static partial int virConnectListAllNodeDevices(IntPtr connection, out IntPtr devices, uint flags);

    [LibraryImport(Library)]
    public static partial IntPtr virNodeDeviceGetName(NodeDeviceHandle device); // const char*: borrowed

    [LibraryImport(Library)]
    public static partial IntPtr virNodeDeviceGetXMLDesc(NodeDeviceHandle device, uint flags); // char*: owned, caller frees

    [LibraryImport(Library)]
    public static partial int virNodeDeviceFree(IntPtr device);

    /// <summary>A borrowed string: copied, never freed.</summary>
    public static string? Borrow(IntPtr text) => text == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(text);

    /// <summary>An owned string: copied, then freed with free() as libvirt's documentation asks.</summary>
    public static string? Take(IntPtr text)
    {
        if (text == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(text);
        }
        finally
        {
            NativeMemory.Free((void*)text);
        }
    }
}
