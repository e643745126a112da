using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Passthru.Core.Libvirt.Native;

/// <summary>
/// libvirt's default event loop on a thread of its own. The loop is process-wide in libvirt (one
/// registration per process, before the first connection opens), so it is shared by reference count:
/// the first connection starts the thread, the last one to let go stops it by setting the stop flag
/// and waking the loop with a 0 ms timeout.
/// </summary>
internal static unsafe class EventLoop
{
    private static readonly Lock Gate = new();
    private static bool s_registered;
    private static int s_users;
    private static Thread? s_thread;
    private static volatile bool s_stop;

    /// <summary>The running loop thread, or null; for tests that check it stops.</summary>
    internal static Thread? Thread => s_thread;

    public static void Acquire()
    {
        lock (Gate)
        {
            if (!s_registered)
            {
                LibvirtErrors.Check(LibvirtNative.virEventRegisterDefaultImpl(), "virEventRegisterDefaultImpl", "Cannot start libvirt's event loop");
                s_registered = true;
            }

            s_users++;
            if (s_thread is null)
            {
                s_stop = false;
                s_thread = new Thread(Run) { IsBackground = true, Name = "libvirt-event-loop" };
                s_thread.Start();
            }
        }
    }

    public static void Release()
    {
        lock (Gate)
        {
            if (--s_users > 0 || s_thread is not { } thread)
            {
                return;
            }

            s_stop = true;
            // virEventRunDefaultImpl blocks in poll() until something happens: a timeout due now is that something.
            _ = LibvirtNative.virEventAddTimeout(0, &Wake, IntPtr.Zero, IntPtr.Zero);
            thread.Join(TimeSpan.FromSeconds(5));
            s_thread = null;
        }
    }

    private static void Run()
    {
        while (!s_stop)
        {
            if (LibvirtNative.virEventRunDefaultImpl() < 0)
            {
                // Not expected once registered; never spin on it.
                LibvirtNative.virResetLastError();
                System.Threading.Thread.Sleep(100);
            }
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Wake(int timer, IntPtr opaque) => _ = LibvirtNative.virEventRemoveTimeout(timer);
}
