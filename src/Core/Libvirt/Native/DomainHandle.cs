using Microsoft.Win32.SafeHandles;

namespace Passthru.Core.Libvirt.Native;

/// <summary>A <c>virDomainPtr</c> this process owns: freed exactly once, also when an exception interrupts a listing.</summary>
internal sealed class DomainHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public DomainHandle()
        : base(ownsHandle: true)
    {
    }

    public DomainHandle(IntPtr handle)
        : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle() => LibvirtNative.virDomainFree(handle) == 0;
}
