using Microsoft.Win32.SafeHandles;

namespace Passthru.Core.Libvirt.Native;

/// <summary>A <c>virNodeDevicePtr</c> this process owns, from a listing: freed exactly once.</summary>
internal sealed class NodeDeviceHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public NodeDeviceHandle(IntPtr handle)
        : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle() => LibvirtNative.virNodeDeviceFree(handle) == 0;
}
