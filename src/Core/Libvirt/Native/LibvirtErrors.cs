namespace Passthru.Core.Libvirt.Native;

/// <summary>
/// Turns libvirt's last error into an exception. libvirt keeps the error per thread and every API
/// entry point resets it, so this must run on the thread of the failing call, before any other
/// libvirt call (freeing a domain included) and with no await in between.
/// </summary>
internal static class LibvirtErrors
{
    public static LibvirtException Last(string function, string context)
    {
        var code = (LibvirtErrorCode)LibvirtNative.virGetLastErrorCode();
        var domain = LibvirtNative.virGetLastErrorDomain();
        var message = LibvirtNative.Borrow(LibvirtNative.virGetLastErrorMessage());
        if (code == LibvirtErrorCode.Ok || string.IsNullOrEmpty(message))
        {
            // A failure without an error set should not happen; say so rather than invent a cause.
            message = $"{function} failed without an error message";
            code = LibvirtErrorCode.InternalError;
        }

        LibvirtNative.virResetLastError();
        return new LibvirtException(context, message, code, domain, function);
    }

    /// <summary>Throws libvirt's error if <paramref name="result"/> is negative (libvirt's int-returning calls fail with -1).</summary>
    public static int Check(int result, string function, string context)
        => result < 0 ? throw Last(function, context) : result;
}
