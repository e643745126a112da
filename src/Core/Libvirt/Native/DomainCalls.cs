using System.Runtime.InteropServices;

namespace Passthru.Core.Libvirt.Native;

/// <summary>
/// The small libvirt calls every operation needs, each reading libvirt's error on the spot: a
/// domain by name, its name, state flags and XML, and taking ownership of a returned list.
/// </summary>
internal static class DomainCalls
{
    /// <summary>
    /// Takes ownership of a libvirt list: every element into a handle that frees it, then the array
    /// itself freed, before anything else can throw.
    /// </summary>
    public static T[] TakeList<T>(int count, IntPtr array, string function, string context, Func<IntPtr, T> own)
    {
        if (count < 0)
        {
            throw LibvirtErrors.Last(function, context);
        }

        var items = new T[count];
        for (var i = 0; i < count; i++)
        {
            items[i] = own(Marshal.ReadIntPtr(array, i * IntPtr.Size));
        }

        unsafe
        {
            NativeMemory.Free((void*)array);
        }

        return items;
    }

    public static string ReadXml(DomainHandle domain, uint flags, string context)
        => LibvirtNative.Take(LibvirtNative.virDomainGetXMLDesc(domain, flags)) ?? throw LibvirtErrors.Last("virDomainGetXMLDesc", context);

    public static string Name(DomainHandle domain)
        => LibvirtNative.Borrow(LibvirtNative.virDomainGetName(domain)) ?? throw LibvirtErrors.Last("virDomainGetName", "Cannot read a guest's name");

    // The context is built before the call: building it after would call libvirt (the name) and reset the error to report.
    public static bool IsActive(DomainHandle domain, string context)
        => LibvirtErrors.Check(LibvirtNative.virDomainIsActive(domain), "virDomainIsActive", context) == 1;

    public static bool IsPersistent(DomainHandle domain, string context)
        => LibvirtErrors.Check(LibvirtNative.virDomainIsPersistent(domain), "virDomainIsPersistent", context) == 1;

    public static DomainHandle Lookup(LibvirtConnection.Lease lease, string name, string context)
        => TryLookup(lease, name, out var error) ?? throw new LibvirtException(context, error!.LibvirtMessage, error.Code, error.ErrorDomain, error.Function);

    public static DomainHandle? TryLookup(LibvirtConnection.Lease lease, string name, out LibvirtException? error)
    {
        var domain = LibvirtNative.virDomainLookupByName(lease.Pointer, name);
        if (!domain.IsInvalid)
        {
            error = null;
            return domain;
        }

        error = LibvirtErrors.Last("virDomainLookupByName", $"Cannot find guest {name}");
        domain.Dispose();
        return null;
    }
}
