using Passthru.Core.Libvirt.Native;
using Passthru.Core.Pci;

namespace Passthru.Core.Libvirt;

/// <summary>
/// Attach and detach of host PCI functions. Uses libvirt's device calls, and where a driver has none
/// (VIR_ERR_NO_SUPPORT: libvirt's test driver) the same persistent change as a define of the edited
/// definition. A live change has no such fallback.
/// </summary>
internal static class HostDeviceEditor
{
    /// <summary>Attaches and reads the guest back; returns it with a line for subscribers.</summary>
    public static (Guest Guest, string Detail) Attach(LibvirtConnection.Lease lease, string guestName, HostDeviceAttachment attachment)
    {
        var context = $"Cannot attach {attachment.HostAddress} to {guestName}";
        using var domain = DomainCalls.Lookup(lease, guestName, context);
        var persistent = DomainCalls.IsPersistent(domain, context);
        var live = attachment.Live && DomainCalls.IsActive(domain, context);
        var flags = (persistent ? LibvirtNative.AffectConfig : 0) | (live ? LibvirtNative.AffectLive : 0);
        if (flags == 0)
        {
            throw new LibvirtException(context, $"{guestName} is a transient guest (it has no persistent definition): attach it live instead",
                LibvirtErrorCode.OperationInvalid, 0, null);
        }

        var hostdev = HostDeviceXml.Create(attachment.HostAddress, attachment.Managed);
        if (LibvirtNative.virDomainAttachDeviceFlags(domain, hostdev, flags) < 0)
        {
            var error = LibvirtErrors.Last("virDomainAttachDeviceFlags", live ? context + " (live and persistent)" : context);
            if (error.Code != LibvirtErrorCode.NoSupport || live)
            {
                throw error;
            }

            // This driver cannot attach (libvirt's test driver): the same change as an edit of the persistent definition.
            DefineEdited(lease, domain, context, xml => HostDeviceXml.Add(xml, hostdev));
        }

        return (GuestReader.ReadGuest(domain), $"attached {attachment.HostAddress}" + (live ? " (live and persistent)" : " (persistent)"));
    }

    /// <summary>Detaches from each chosen definition that holds the device, by that definition's own element; reads the guest back.</summary>
    public static (Guest Guest, string Detail) Detach(LibvirtConnection.Lease lease, string guestName, PciAddress address, GuestDefinitions from)
    {
        var context = $"Cannot detach {address} from {guestName}";
        using var domain = DomainCalls.Lookup(lease, guestName, context);
        var done = new List<string>(2);
        if (from.HasFlag(GuestDefinitions.Live) && DomainCalls.IsActive(domain, context)
            && HostDeviceXml.Find(DomainCalls.ReadXml(domain, 0, context), address) is { } liveElement)
        {
            LibvirtErrors.Check(LibvirtNative.virDomainDetachDeviceFlags(domain, liveElement, LibvirtNative.AffectLive),
                "virDomainDetachDeviceFlags", context + " (live)");
            done.Add("live");
        }

        if (from.HasFlag(GuestDefinitions.Persistent) && DomainCalls.IsPersistent(domain, context))
        {
            var persistentContext = done.Count > 0 ? $"{address} was detached from the running {guestName}, but not from its persistent definition" : context;
            var xml = DomainCalls.ReadXml(domain, LibvirtNative.DomainXmlInactive | LibvirtNative.DomainXmlSecure, persistentContext);
            if (HostDeviceXml.Find(xml, address) is { } element)
            {
                if (LibvirtNative.virDomainDetachDeviceFlags(domain, element, LibvirtNative.AffectConfig) < 0)
                {
                    var error = LibvirtErrors.Last("virDomainDetachDeviceFlags", persistentContext);
                    if (error.Code != LibvirtErrorCode.NoSupport)
                    {
                        throw error;
                    }

                    DefineEdited(lease, domain, persistentContext, x => HostDeviceXml.Remove(x, address));
                }

                done.Add("persistent");
            }
        }

        if (done.Count == 0)
        {
            var where = from switch
            {
                GuestDefinitions.Live => "the running guest",
                GuestDefinitions.Persistent => "its persistent definition",
                _ => "its live or persistent definition",
            };
            throw new LibvirtException(context, $"{address} is not in {where}", LibvirtErrorCode.DeviceMissing, 0, null);
        }

        return (GuestReader.ReadGuest(domain), $"detached {address} ({string.Join(" and ", done)})");
    }

    /// <summary>
    /// Changes the persistent definition by defining an edited copy of it, for drivers without
    /// attach/detach (libvirt's test driver). Read with SECURE so passwords in it survive.
    /// </summary>
    private static void DefineEdited(LibvirtConnection.Lease lease, DomainHandle domain, string context, Func<string, string?> edit)
    {
        var xml = DomainCalls.ReadXml(domain, LibvirtNative.DomainXmlInactive | LibvirtNative.DomainXmlSecure, context);
        string? edited;
        try
        {
            edited = edit(xml);
        }
        catch (DomainXmlException e)
        {
            throw new LibvirtException(context, e.Message, LibvirtErrorCode.XmlError, 0, null, e);
        }

        if (edited is null)
        {
            return;
        }

        using var defined = LibvirtNative.virDomainDefineXML(lease.Pointer, edited);
        if (defined.IsInvalid)
        {
            throw LibvirtErrors.Last("virDomainDefineXML", context);
        }
    }
}
