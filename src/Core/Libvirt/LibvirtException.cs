namespace Passthru.Core.Libvirt;

/// <summary>
/// libvirt refused or failed an operation. <see cref="Exception.Message"/> says what was being done and
/// carries libvirt's own words; <see cref="LibvirtMessage"/> is libvirt's text alone.
/// </summary>
public class LibvirtException : Exception
{
    public LibvirtException(string context, string libvirtMessage, LibvirtErrorCode code, int errorDomain, string? function, Exception? inner = null)
        : base($"{context}: {libvirtMessage}", inner)
    {
        LibvirtMessage = libvirtMessage;
        Code = code;
        ErrorDomain = errorDomain;
        Function = function;
    }

    /// <summary>libvirt's message, e.g. "unsupported configuration: host doesn't support passthrough of host PCI devices".</summary>
    public string LibvirtMessage { get; }

    /// <summary>libvirt's error number; for a check Passthru makes itself, the number libvirt uses for the same case.</summary>
    public LibvirtErrorCode Code { get; }

    /// <summary>Which part of libvirt raised it (<c>virErrorDomain</c>: 10 is the QEMU driver, 12 the test driver, ...); 0 for Passthru's own checks.</summary>
    public int ErrorDomain { get; }

    /// <summary>The libvirt function that failed, or null when Passthru refused before calling libvirt.</summary>
    public string? Function { get; }
}

/// <summary>
/// libvirt cannot be reached: not installed, its daemon not running, access refused, or the
/// connection was lost during the call. <see cref="Availability"/> holds the reason to show.
/// </summary>
public sealed class LibvirtUnavailableException(LibvirtAvailability availability, Exception? inner = null)
    : LibvirtException("libvirt is unavailable", availability.Reason ?? "not connected", (inner as LibvirtException)?.Code ?? LibvirtErrorCode.NoConnect, 0, null, inner)
{
    public LibvirtAvailability Availability { get; } = availability;

    public override string Message => Availability.Reason ?? base.Message;
}
