using System.Globalization;
using System.Runtime.InteropServices;
using Passthru.Core.Libvirt.Native;

namespace Passthru.Core.Libvirt;

/// <summary>Reads guests (both definitions' PCI devices) and PCI node devices from a connection; runs on a worker thread.</summary>
internal static class GuestReader
{
    public static IReadOnlyList<Guest> ListGuests(LibvirtConnection.Lease lease)
    {
        var domains = DomainCalls.TakeList(LibvirtNative.virConnectListAllDomains(lease.Pointer, out var array, 0), array,
            "virConnectListAllDomains", "Cannot list the guests", p => new DomainHandle(p));
        try
        {
            var guests = new List<Guest>(domains.Length);
            foreach (var domain in domains)
            {
                try
                {
                    guests.Add(ReadGuest(domain));
                }
                catch (LibvirtException e) when (e.Code == LibvirtErrorCode.NoDomain)
                {
                    // Undefined between the listing and the read: it is simply not there any more.
                }
            }

            return guests.OrderBy(g => g.Name, StringComparer.Ordinal).ToArray();
        }
        finally
        {
            foreach (var domain in domains)
            {
                domain.Dispose();
            }
        }
    }

    public static IReadOnlyList<NodePciDevice> ListPciNodeDevices(LibvirtConnection.Lease lease)
    {
        var devices = DomainCalls.TakeList(LibvirtNative.virConnectListAllNodeDevices(lease.Pointer, out var array, LibvirtNative.NodeDevicesPci), array,
            "virConnectListAllNodeDevices", "Cannot list the host's PCI devices", p => new NodeDeviceHandle(p));
        try
        {
            var result = new List<NodePciDevice>(devices.Length);
            foreach (var device in devices)
            {
                var name = LibvirtNative.Borrow(LibvirtNative.virNodeDeviceGetName(device));
                var xml = LibvirtNative.Take(LibvirtNative.virNodeDeviceGetXMLDesc(device, 0))
                    ?? throw LibvirtErrors.Last("virNodeDeviceGetXMLDesc", $"Cannot read node device {name}");
                try
                {
                    if (NodeDeviceXml.ParsePci(xml) is { } parsed)
                    {
                        result.Add(parsed);
                    }
                }
                catch (DomainXmlException)
                {
                    // One unreadable device does not hide the others; libvirt writes this XML itself, so it is not expected.
                }
            }

            return result.OrderBy(d => d.Address).ToArray();
        }
        finally
        {
            foreach (var device in devices)
            {
                device.Dispose();
            }
        }
    }

    public static Guest ReadGuest(DomainHandle domain)
    {
        var name = DomainCalls.Name(domain);
        var context = $"Cannot read guest {name}";
        Guid uuid;
        unsafe
        {
            var buffer = stackalloc byte[LibvirtNative.UuidStringLength];
            LibvirtErrors.Check(LibvirtNative.virDomainGetUUIDString(domain, buffer), "virDomainGetUUIDString", context);
            uuid = Guid.Parse(Marshal.PtrToStringUTF8((IntPtr)buffer)!, CultureInfo.InvariantCulture);
        }

        LibvirtErrors.Check(LibvirtNative.virDomainGetState(domain, out var state, out _, 0), "virDomainGetState", context);
        var active = DomainCalls.IsActive(domain, context);
        var persistent = DomainCalls.IsPersistent(domain, context);
        var problems = new List<string>();
        var live = active ? ReadDefinition(domain, 0, "live", context, problems) : null;
        var inactive = persistent ? ReadDefinition(domain, LibvirtNative.DomainXmlInactive, "persistent", context, problems) : null;
        return new Guest
        {
            Name = name,
            Uuid = uuid,
            State = (GuestState)state,
            IsActive = active,
            IsPersistent = persistent,
            LiveHostDevices = live?.HostDevices ?? [],
            PersistentHostDevices = inactive?.HostDevices ?? [],
            Bridges = (live?.Bridges ?? []).Union(inactive?.Bridges ?? [], StringComparer.Ordinal).ToArray(),
            Problems = problems,
        };
    }

    /// <summary>One definition, or null (with the problem noted) when it cannot be read.</summary>
    private static DomainDescription? ReadDefinition(DomainHandle domain, uint flags, string which, string context, List<string> problems)
    {
        try
        {
            var description = DomainXml.Parse(DomainCalls.ReadXml(domain, flags, context));
            problems.AddRange(description.Warnings.Select(w => $"The {which} definition: {w}"));
            return description;
        }
        catch (DomainXmlException e)
        {
            problems.Add($"The {which} definition cannot be read: {e.Message}");
            return null;
        }
    }
}
